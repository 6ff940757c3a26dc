// A real engine on a temporary data folder, for unit and integration tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import log from 'electron-log/node';
import { createEngine, type Engine } from '../../electron/core/engine';

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
