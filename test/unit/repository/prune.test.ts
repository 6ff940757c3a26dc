// Prune: dry run reports exactly what the real run frees; kept snapshots stay whole; damage stops it.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../../../electron/core/repository/blob-store';
import { acquire } from '../../../electron/core/repository/locks';
import { prune } from '../../../electron/core/repository/prune';
import type { Repository } from '../../../electron/core/repository/repository';
import type { SnapshotHeader } from '../../../electron/core/repository/schemas';
import { expectUserError, newRepo, pseudoRandom, testContext } from './helpers';

const KEEP_NEWEST_ONLY = { keepLast: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0, keepTaggedDays: {} };
const NOW = new Date('2025-06-15T12:00:00Z');
const P = { profile: 'p' };

async function files(store: BlobStore): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for await (const o of store.list('')) out.set(o.path, o.size);
  return out;
}

/** A snapshot with one shared chunk and one chunk of its own. */
async function backup(repo: Repository, n: number, shared: Buffer, who: { profile?: string; hostname?: string } = {}): Promise<SnapshotHeader> {
  const writer = repo.createManifestWriter();
  for (const [name, data] of [
    ['shared.bin', shared],
    [`own-${n}.bin`, pseudoRandom(30_000 + n, 100 + n)],
  ] as const) {
    const put = await writer.putBlob(data);
    await writer.add({ kind: 'file', path: `files/data/${name}`, mode: 0o644, mtime: NOW.toISOString(), size: put.size, chunks: [{ id: put.id, size: put.size }] });
  }
  return writer.finish({ createdAt: new Date(NOW.getTime() - (10 - n) * 86_400_000), tags: ['scheduled'], profile: who.profile ?? 'p', hostname: who.hostname, appVersion: '0', consistency: 'best-effort' });
}

async function setUp() {
  const env = await newRepo();
  const shared = pseudoRandom(40_000, 1);
  const snaps = [];
  for (let n = 1; n <= 3; n++) snaps.push(await backup(env.repo, n, shared));
  await env.repo.putBlob(Buffer.from('left behind by an interrupted backup'));
  return { ...env, snaps };
}

describe('prune', () => {
  it('dry run changes nothing and reports exactly what the real run frees', async () => {
    const { repo, store, snaps } = await setUp();
    const before = await files(store);

    const dry = await prune(repo, KEEP_NEWEST_ONLY, { ctx: testContext(), dryRun: true, now: NOW, group: P });
    expect(await files(store)).toEqual(before);
    expect(dry.forgetSnapshots.map((s) => s.id).sort()).toEqual([snaps[0].id, snaps[1].id].sort());
    expect(dry.keepSnapshots.map((s) => s.id)).toEqual([snaps[2].id]);
    // Two own chunks + two manifests of the forgotten snapshots + the orphan.
    expect(dry.deleteBlobs).toBe(5);

    const ctx = testContext();
    const real = await prune(repo, KEEP_NEWEST_ONLY, { ctx, now: NOW, group: P });
    const after = await files(store);
    let removedBytes = 0;
    for (const [p, size] of before) if (!after.has(p)) removedBytes += size;
    expect(real.freedBytes).toBe(removedBytes);
    expect(dry.freedBytes).toBe(removedBytes);
    expect(real.deleteBlobs).toBe(dry.deleteBlobs);
    expect(real.aborted).toBe(false);
    expect(ctx.progress.map((p) => p.phase)).toContain('Removing unused data');

    // The kept snapshot is whole: its manifest and every chunk read back and verify.
    const [kept] = await repo.listSnapshots();
    expect(kept.id).toBe(snaps[2].id);
    for await (const entry of repo.readManifest(kept)) {
      if ('chunks' in entry) for (const c of entry.chunks) expect((await repo.getBlob(c.id)).length).toBe(c.size);
    }
    expect([...after.keys()].filter((p) => p.startsWith('locks/'))).toEqual([]); // lock released

    const again = await prune(repo, KEEP_NEWEST_ONLY, { ctx: testContext(), now: NOW, group: P });
    expect([again.deleteBlobs, again.freedBytes, again.forgetSnapshots.length]).toEqual([0, 0, 0]);
  });

  it('a damaged snapshot stops prune before anything is deleted', async () => {
    const { repo, store, dir, snaps } = await setUp();
    await fs.writeFile(path.join(dir, 'snapshots', snaps[0].id), '{"version":1');
    const before = await files(store);
    await expectUserError(prune(repo, KEEP_NEWEST_ONLY, { ctx: testContext(), now: NOW, group: P }), 'BACKUP_DAMAGED');
    expect(await files(store)).toEqual(before);
  });

  it('a damaged manifest of a kept snapshot stops prune before anything is deleted', async () => {
    const { repo, store, dir, snaps } = await setUp();
    const part = snaps[2].manifest[0];
    await fs.writeFile(path.join(dir, 'blobs', part.slice(0, 2), part), Buffer.from([1, 2, 3]));
    const before = await files(store);
    await expectUserError(prune(repo, KEEP_NEWEST_ONLY, { ctx: testContext(), now: NOW, group: P }), 'BACKUP_DAMAGED');
    expect(await files(store)).toEqual(before);
  });

  it('is BUSY while another job holds a lock', async () => {
    const { repo } = await setUp();
    const backupLock = await acquire(repo.store, 'shared', { refreshIntervalMs: 0 });
    await expectUserError(prune(repo, KEEP_NEWEST_ONLY, { ctx: testContext(), now: NOW, group: P }), 'BUSY');
    await backupLock.release();
  });

  it('cancel is a result: stops before deleting and says so', async () => {
    const { repo, store } = await setUp();
    const before = await files(store);
    const ac = new AbortController();
    const ctx = testContext(ac.signal);
    ctx.onProgress = (u) => {
      if (u.phase === 'Checking which data is still needed') ac.abort();
    };
    const result = await prune(repo, KEEP_NEWEST_ONLY, { ctx, now: NOW, group: P });
    expect(result.aborted).toBe(true);
    expect(await files(store)).toEqual(before);
  });

  it('applies retention to one connection on one computer: other connections and computers sharing the location keep every restore point', async () => {
    const { repo, snaps } = await setUp(); // three of "p", made on this computer
    const shared = pseudoRandom(40_000, 1);
    const officeB = await backup(repo, 4, shared, { profile: 'officeB' });
    const otherHost = await backup(repo, 5, shared, { profile: 'p', hostname: 'another-computer' });
    const result = await prune(repo, KEEP_NEWEST_ONLY, { ctx: testContext(), now: NOW, group: P });
    expect(result.forgetSnapshots.map((d) => d.id).sort()).toEqual([snaps[0].id, snaps[1].id].sort());
    expect(result.keepSnapshots.map((d) => d.id)).toEqual([snaps[2].id]);
    expect(result.otherSnapshots).toBe(2);
    expect((await repo.listSnapshots()).map((s) => s.id).sort()).toEqual([snaps[2].id, officeB.id, otherHost.id].sort());
    // Their data is still whole: every chunk of every remaining restore point can be read.
    for (const s of [officeB, otherHost]) for await (const e of repo.readManifest(s)) if ('chunks' in e) for (const c of e.chunks) await repo.getBlob(c.id);
    // And a prune of officeB alone forgets nothing of "p".
    const b = await prune(repo, KEEP_NEWEST_ONLY, { ctx: testContext(), now: NOW, group: { profile: 'officeB' } });
    expect(b.forgetSnapshots).toEqual([]);
  });
});
