// Two first backups started at once into one empty folder with a passphrase (cron plus a manual run,
// two machines on one share), as real `pci-maint backup` processes. Each must either succeed with a
// restore point that opens and decrypts, or fail with BUSY — never report "finished" for a restore
// point that cannot be read (issue 21, item 3).
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderStore, Repository } from '../../electron/core/repository';
import { saveProfile } from '../../electron/core/profiles/service';
import { startMongoTestServer, type MongoTestServer } from '../support/mongo-wire';
import { startS3TestServer, type S3TestServer } from '../support/s3';
import { seedDataset } from '../support/dataset';
import { tempDir, testEngine } from '../support/engine';
import { runCli } from '../support/serve';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const PASSPHRASE = 'correct horse battery staple';
const TRIALS = 4;
let mongo: MongoTestServer;
let s3: S3TestServer;
let home: string;
let env: NodeJS.ProcessEnv;
const dirs: string[] = [];

const run = (args: string[]) => runCli(home, env, args);

beforeAll(async () => {
  [mongo, s3] = await Promise.all([startMongoTestServer(), startS3TestServer({ buckets: ['pci-files'] })]);
  await seedDataset({ mongoUri: `${mongo.uri}pcifm`, s3: { ...s3, bucket: 'pci-files' }, scale: 'small' });
  home = tempDir('pci-race-home-');
  // The production scrypt cost (no test override reaches a CLI process): the ~0.4 s it takes is the
  // window in which the old code let both processes write their own config.
  env = { ...process.env, PCI_MONGODB_URI: `${mongo.uri}pcifm`, PCI_R2_SECRET_ACCESS_KEY: s3.secretAccessKey, PCI_BACKUP_PASSPHRASE: PASSPHRASE };
  const engine = testEngine({ home, env });
  try {
    for (let i = 0; i < TRIALS; i++) {
      const location = tempDir('pci-race-location-');
      dirs.push(location);
      for (const who of ['cron', 'manual']) {
        await saveProfile(engine, {
          name: `Race ${i} ${who}`,
          sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', endpoint: s3.endpoint, bucket: 'pci-files', accessKeyId: s3.accessKeyId, forcePathStyle: true }],
          destination: { kind: 'folder', path: location },
        });
      }
    }
  } finally {
    await engine.dispose();
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([mongo?.close(), s3?.close()]);
  for (const d of [home, ...dirs]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

/** Open the location as a restore would, and read the restore point all the way to its data. */
async function readBack(location: string, snapshotId: string): Promise<number> {
  const repo = await Repository.open(new FolderStore(location), { passphrase: PASSPHRASE });
  const header = await repo.readSnapshot(snapshotId);
  let blobs = 0;
  for await (const entry of repo.readManifest(header)) {
    for (const chunk of 'chunks' in entry ? entry.chunks : []) {
      await repo.getBlob(chunk.id);
      blobs++;
    }
  }
  return blobs;
}

describe('two first backups at once into one empty encrypted location', () => {
  it(`never reports "finished" for a restore point that cannot be decrypted (${TRIALS} trials)`, async () => {
    let succeeded = 0;
    for (let i = 0; i < TRIALS; i++) {
      const location = dirs[i];
      const results = await Promise.all(['cron', 'manual'].map((who) => run(['--json', 'backup', '--profile', `Race ${i} ${who}`])));
      for (const r of results) {
        if (r.code === 0) {
          const { snapshotId } = JSON.parse(r.out) as { snapshotId: string };
          expect(await readBack(location, snapshotId), `trial ${i}: restore point ${snapshotId} must decrypt`).toBeGreaterThan(0);
          succeeded++;
        } else {
          expect(JSON.parse(r.out), `trial ${i}: ${r.err}`).toMatchObject({ ok: false, error: { code: 'BUSY' } });
        }
      }
      expect(results.some((r) => r.code === 0), `trial ${i}: at least one backup succeeds`).toBe(true);
    }
    expect(succeeded).toBeGreaterThanOrEqual(TRIALS);
  }, 300_000);
});
