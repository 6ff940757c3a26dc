// The set-up most browser tests share: the test servers (the MongoDB wire double and the S3 test
// server) seeded with a PCI File Manager dataset, a data folder and a backup folder, and the saved
// connection "Office" pointing at them — made by the app's own core. The test adds what it needs
// (backups, damage, notifications), closes `engine` and serves the data folder.
import fs from 'node:fs';
import type { ProfileInput } from '../../shared/profile';
import { saveProfile } from '../../electron/core/profiles/service';
import { seedDataset, type DatasetSummary } from './dataset';
import { tempDir, testEngine, type TestEngine } from './engine';
import { startMongoTestServer, type MongoTestServer } from './mongo-wire';
import { startS3TestServer, type S3TestServer } from './s3';

export interface Office {
  mongo: MongoTestServer;
  s3: S3TestServer;
  data: DatasetSummary;
  /** The data folder (PCI_MAINT_HOME) and the backup location of "Office". */
  home: string;
  backups: string;
  /** An engine on `home`, open until the test closes it (before serving the folder). */
  engine: TestEngine;
  /** Stop the servers and remove the folders. */
  close(): Promise<void>;
}

export async function startOffice(name: string, profile: Partial<ProfileInput> = {}): Promise<Office> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [mongo, s3] = await Promise.all([startMongoTestServer(), startS3TestServer({ buckets: ['pci-files'] })]);
  const data = await seedDataset({ mongoUri: `${mongo.uri}pcifm`, s3: { ...s3, bucket: 'pci-files' } });
  const home = tempDir(`pci-e2e-${name}-`);
  const backups = tempDir(`pci-e2e-${name}-backups-`);
  const engine = testEngine({ home });
  await saveProfile(
    engine,
    {
      name: 'Office',
      sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', endpoint: s3.endpoint, bucket: 'pci-files', accessKeyId: s3.accessKeyId, forcePathStyle: true }],
      destination: { kind: 'folder', path: backups },
      fileRecords: { ...data.fileRecords, deletedField: 'deletedAt' },
      ...profile,
    },
    { mongoUri: `${mongo.uri}pcifm`, r2SecretAccessKey: s3.secretAccessKey },
  );
  return {
    mongo,
    s3,
    data,
    home,
    backups,
    engine,
    async close() {
      await Promise.all([mongo.close(), s3.close()]);
      for (const dir of [home, backups]) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
