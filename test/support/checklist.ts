// A PCI File Manager for the checklist and support-bundle tests: both test servers seeded with the
// dataset, a stand-in for PCI File Manager's health address (an HTTP server that can be "stopped"),
// its version file, a backup folder, and a saved connection ("Office") pointing at all of them.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { MongoClient } from 'mongodb';
import type { Engine } from '../../electron/core/engine';
import { saveProfile } from '../../electron/core/profiles/service';
import { startTestServers, type TestServers } from './servers';
import { tempDir } from './engine';
import { r2Client } from './s3/client';

export const PROFILE = 'Office';

export interface FakeApp {
  url: string;
  /** false: answer 503, as a stopped or broken application would behind a proxy. */
  up: boolean;
  close(): Promise<void>;
}

export async function startFakeApp(): Promise<FakeApp> {
  const state = { up: true };
  const server = http.createServer((req, res) => {
    res.writeHead(state.up ? 200 : 503, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: state.up ? 'ok' : 'down' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/health`;
  return Object.assign(state, {
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

export interface ChecklistWorld {
  servers: TestServers;
  app: FakeApp;
  dir: string;
  backups: string;
  versionFile: string;
  mongoUri: string;
  setVersion(version: string): void;
  /** Save the "Office" connection (with its secrets) in an engine's data folder. */
  saveProfile(engine: Engine): Promise<void>;
  /** A bad upgrade: a collection dropped and `n` files (with live records) deleted from the bucket. */
  breakInstallation(options: { dropCollection: string; deleteFiles: number }): Promise<string[]>;
  close(): Promise<void>;
}

export async function checklistWorld(): Promise<ChecklistWorld> {
  const servers = await startTestServers({ scale: 'small', seed: 11 });
  const app = await startFakeApp();
  const dir = tempDir('pci-checklist-');
  const backups = path.join(dir, 'backups');
  const versionFile = path.join(dir, 'VERSION');
  fs.mkdirSync(backups);
  const setVersion = (v: string) => fs.writeFileSync(versionFile, `${v}\n`);
  setVersion('2.3.0');
  const mongoUri = `${servers.mongo.uri}${servers.database}`;
  return {
    servers,
    app,
    dir,
    backups,
    versionFile,
    mongoUri,
    setVersion,
    async saveProfile(engine) {
      const s3 = servers.s3;
      await saveProfile(
        engine,
        {
          name: PROFILE,
          sources: [{ kind: 'mongodb', database: servers.database }, { kind: 's3', endpoint: s3.endpoint, bucket: servers.bucket, accessKeyId: s3.accessKeyId, forcePathStyle: true }],
          fileRecords: { collection: 'files', keyField: 'storageKey', sizeField: 'size', deletedField: 'deletedAt' },
          destination: { kind: 'folder', path: backups },
          app: { healthUrl: app.url, versionFile },
        },
        { mongoUri, r2SecretAccessKey: s3.secretAccessKey },
      );
    },
    async breakInstallation({ dropCollection, deleteFiles }) {
      const client = new MongoClient(mongoUri);
      try {
        const db = client.db(servers.database);
        await db.collection(dropCollection).drop();
        const missing = new Set(servers.summary?.anomalies.missingObjects ?? []);
        const docs = await db.collection('files').find({ deletedAt: null, storageKey: { $type: 'string' } }).limit(deleteFiles * 4).toArray();
        const keys = docs.map((d) => String(d.storageKey)).filter((k) => !missing.has(k)).slice(0, deleteFiles);
        const s3 = r2Client(servers.s3);
        await s3.send(new DeleteObjectsCommand({ Bucket: servers.bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }));
        s3.destroy();
        return keys;
      } finally {
        await client.close();
      }
    },
    async close() {
      await Promise.all([servers.close(), app.close()]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
