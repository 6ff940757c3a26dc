// Shared bits for the backup-location tests: a temp folder per test, a quiet job context, a cheap repo.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import type { OperationContext, ProgressUpdate } from '../../../shared/jobs';
import { UserError, type ErrorCode } from '../../../shared/errors';
import { FolderStore } from '../../../electron/core/repository/folder-store';
import { Repository } from '../../../electron/core/repository/repository';
import type { FormatVersion } from '../../../electron/core/repository/schemas';

/** scrypt N for tests: the documented test-only option (production uses 2^17). */
export const TEST_SCRYPT_N = 2 ** 10;

const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

export async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pci-repo-'));
  made.push(dir);
  return dir;
}

/** Both location formats: version 1 (one file per blob, locations older versions made) and 2 (pack files). */
export const FORMAT_VERSIONS = [1, 2] as const;

export async function newRepo(options: { passphrase?: string; formatVersion?: FormatVersion } = {}): Promise<{ dir: string; store: FolderStore; repo: Repository }> {
  const dir = await tempDir();
  const store = new FolderStore(dir);
  const repo = await Repository.init(store, { passphrase: options.passphrase, testOnlyScryptN: TEST_SCRYPT_N, formatVersion: options.formatVersion });
  return { dir, store, repo };
}

/**
 * Where a blob's bytes are on disk: its own file (version 1) or its place in a pack file (version 2),
 * so tests can damage exactly one blob. The blob must be durable (repo.flush()).
 */
export async function storedAt(repo: Repository, dir: string, id: string): Promise<{ file: string; rel: string; offset: number; length: number }> {
  for await (const b of repo.listBlobs()) {
    if (b.id !== id) continue;
    const offset = repo.packed ? (await repo.packs()).get(id)!.offset : 0;
    return { file: path.join(dir, ...b.path.split('/')), rel: b.path, offset, length: b.size };
  }
  throw new Error(`blob ${id} is not stored`);
}

export function testContext(signal: AbortSignal = new AbortController().signal): OperationContext & { progress: ProgressUpdate[]; logs: string[] } {
  const progress: ProgressUpdate[] = [];
  const logs: string[] = [];
  return { signal, onProgress: (u) => progress.push(u), log: (level, message) => logs.push(`${level}: ${message}`), progress, logs };
}

/** Await a promise that must reject with a UserError of `code`; returns the error for further checks. */
export async function expectUserError(p: Promise<unknown>, code: ErrorCode): Promise<UserError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `expected a ${code} error`).toBeInstanceOf(UserError);
  expect((err as UserError).code).toBe(code);
  return err as UserError;
}

/** Deterministic pseudo-random bytes (xorshift), so chunking tests are reproducible. */
export function pseudoRandom(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeUInt32LE(x >>> 0, Math.min(i, size - 4));
  }
  return out;
}

/** Flip one bit of a file in place. */
export async function flipBit(file: string, offset: number): Promise<void> {
  const data = await fs.readFile(file);
  data[offset] ^= 0x01;
  await fs.writeFile(file, data);
}
