// A real engine on a temporary data folder, for unit and integration tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import log from 'electron-log/node';
import { createEngine, type Engine } from '../../electron/core/engine';
import { saveProfile } from '../../electron/core/profiles/service';
import type { Destination } from '../../shared/profile';

export interface TestEngine extends Engine {
  home: string;
  dispose(): Promise<void>;
}

export function tempDir(prefix = 'pci-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function testEngine(options: { home?: string; throttleMs?: number; env?: NodeJS.ProcessEnv; packaged?: boolean } = {}): TestEngine {
  const home = options.home ?? tempDir();
  // A separate electron-log instance per engine so tests never share log files.
  const engine = createEngine({ home, version: '0.0.0-test', mode: 'cli', logger: log.create({ logId: randomUUID() }), throttleMs: options.throttleMs ?? 0, env: options.env, packaged: options.packaged });
  return Object.assign(engine, {
    home,
    async dispose() {
      await engine.close();
      if (!options.home) fs.rmSync(home, { recursive: true, force: true });
    },
  });
}

/** The bucket a PCI File Manager connection reads in a test: the S3 test server's address and key id. */
export interface TestBucket {
  endpoint: string;
  accessKeyId: string;
}

/**
 * Save a PCI File Manager connection (its MongoDB database and its bucket) in the data folder `home`,
 * the way `pci-maint profile set` would; the secrets come from `env` (PCI_MONGODB_URI, …) when it runs.
 */
export async function savePciConnection(
  at: { home: string; env: NodeJS.ProcessEnv },
  connection: { name: string; database: string; bucket: string; s3: TestBucket; destination: Destination },
): Promise<void> {
  const engine = testEngine(at);
  try {
    const { name, database, bucket, s3, destination } = connection;
    await saveProfile(engine, {
      name,
      sources: [{ kind: 'mongodb', database }, { kind: 's3', endpoint: s3.endpoint, bucket, accessKeyId: s3.accessKeyId, forcePathStyle: true }],
      destination,
    });
  } finally {
    await engine.dispose();
  }
}
