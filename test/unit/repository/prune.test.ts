// Prune: dry run reports exactly what the real run frees; kept snapshots stay whole; damage stops it.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../../../electron/core/repository/blob-store';
import { acquire } from '../../../electron/core/repository/locks';
import { prune } from '../../../electron/core/repository/prune';
import type { Repository } from '../../../electron/core/repository/repository';
import type { SnapshotHeader } from '../../../electron/core/repository/schemas';
import type { FormatVersion } from '../../../electron/core/repository/schemas';
import { FORMAT_VERSIONS, expectUserError, newRepo, pseudoRandom, storedAt, testContext } from './helpers';

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

async function setUp(formatVersion: FormatVersion) {
  const env = await newRepo({ formatVersion });
  const shared = pseudoRandom(40_000, 1);
  const snaps = [];
  for (let n = 1; n <= 3; n++) snaps.push(await backup(env.repo, n, shared));
  await env.repo.putBlob(Buffer.from('left behind by an interrupted backup'));
  await env.repo.flush();
  return { ...env, snaps };
}

describe.each(FORMAT_VERSIONS)('prune (format version %i)', (formatVersion: FormatVersion) => {
  it('dry run changes nothing and reports exactly what the real run frees', async () => {
    const { repo, store, snaps } = await setUp(formatVersion);
    const before = await files(store);

    const dry = await prune(repo, KEEP_NEWEST_ONLY, { ctx: testContext(), dryRun: true, now: NOW, group: P });
    expect(await files(store)).toEqual(before);
    expect(dry.forgetSnapshots.map((s) => s.id).sort()).toEqual([snaps[0].id, snaps[1].id].sort());
    expect(dry.keepSnapshots.map((s) => s.id)).toEqual([snaps[2].id]);
    // Two own chunks + two manifests of the forgotten snapshots + the orphan. Format 2: the pack of the
    // first backup keeps the shared chunk (more than half of it is still used), so its own chunk and
    // manifest stay in it until a later prune.
    expect(dry.deleteBlobs).toBe(formatVersion === 1 ? 5 : 3);

    const ctx = testContext();
    const real = await prune(repo, KEEP_NEWEST_ONLY, { ctx, now: NOW, group: P });
    const after = await files(store);
    let removedBytes = 0;
    for (const [p, size] of before) if (!after.has(p) && !p.startsWith('index/')) removedBytes += size; // index files are rewritten
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

  it.runIf(formatVersion === 2)('repacks a mostly unused pack: new pack and index first, then the old pack goes; what is kept reads back', async () => {
    const { repo, store } = await newRepo({ formatVersion });
    const big = pseudoRandom(400_000, 7);
    const small = pseudoRandom(20_000, 8);
    const writer = repo.createManifestWriter();
    for (const [name, data] of [['big', big], ['small', small]] as const) {
      const put = await writer.putBlob(data);
      await writer.add({ kind: 'file', path: `files/data/${name}`, mode: 0o644, mtime: NOW.toISOString(), size: put.size, chunks: [{ id: put.id, size: put.size }] });
    }
    const first = await writer.finish({ createdAt: new Date(NOW.getTime() - 2 * 86_400_000), tags: ['scheduled'], profile: 'p', appVersion: '0', consistency: 'best-effort' });
    // The second backup still has the small file only.
    const w2 = repo.createManifestWriter();
    const put = await w2.putBlob(small);
    await w2.add({ kind: 'file', path: 'files/data/small', mode: 0o644, mtime: NOW.toISOString(), size: put.size, chunks: [{ id: put.id, size: put.size }] });
    const second = await w2.finish({ createdAt: NOW, tags: ['scheduled'], profile: 'p', appVersion: '0', consistency: 'best-effort' });
    const packsBefore = [...(await files(store)).keys()].filter((p) => p.startsWith('packs/'));
    expect(packsBefore).toHaveLength(2);

    // Record the order of writes and deletes: nothing is removed before the new pack and index are written.
    const events: string[] = [];
    const put0 = store.put.bind(store);
    const del0 = store.delete.bind(store);
    store.put = async (p: string, d: Buffer) => {
      await put0(p, d);
      events.push(`put ${p.split('/')[0]}`);
    };
    store.delete = async (p: string) => {
      events.push(`delete ${p.split('/')[0]}`);
      await del0(p);
    };
    const r = await prune(repo, KEEP_NEWEST_ONLY, { ctx: testContext(), now: NOW, group: P });
    store.put = put0;
    store.delete = del0;
    expect(r.forgetSnapshots.map((d) => d.id)).toEqual([first.id]);
    expect(r.notes.join(' ')).toMatch(/Rewrote 1 mostly unused pack file/);
    const firstDelete = events.findIndex((e) => e.startsWith('delete packs') || e.startsWith('delete index'));
    expect(events.slice(0, firstDelete).filter((e) => e === 'put packs' || e === 'put index').length).toBeGreaterThanOrEqual(2);
    const packsAfter = [...(await files(store)).keys()].filter((p) => p.startsWith('packs/'));
    expect(packsAfter.filter((p) => packsBefore.includes(p))).toHaveLength(1); // the second backup's pack stays; the first's was rewritten
    expect(packsAfter).toHaveLength(2);
    const total = [...(await files(store)).entries()].filter(([p]) => p.startsWith('packs/')).reduce((n, [, size]) => n + size, 0);
    expect(total).toBeLessThan(100_000); // the big file's data is gone
    const reopened = await (await import('../../../electron/core/repository/repository')).Repository.open(store);
    for await (const e of reopened.readManifest(second)) if ('chunks' in e) expect((await reopened.getBlob(e.chunks[0].id)).equals(small)).toBe(true);
    expect(await reopened.hasBlob(first.manifest[0])).toBe(false);
  });

  it('a damaged snapshot stops prune before anything is deleted', async () => {
    const { repo, store, dir, snaps } = await setUp(formatVersion);
    await fs.writeFile(path.join(dir, 'snapshots', snaps[0].id), '{"version":1');
    const before = await files(store);
    await expectUserError(prune(repo, KEEP_NEWEST_ONLY, { ctx: testContext(), now: NOW, group: P }), 'BACKUP_DAMAGED');
    expect(await files(store)).toEqual(before);
  });

  it('a damaged manifest of a kept snapshot stops prune before anything is deleted', async () => {
    const { repo, store, dir, snaps } = await setUp(formatVersion);
    const at = await storedAt(repo, dir, snaps[2].manifest[0]);
    const handle = await fs.open(at.file, 'r+');
    await handle.write(Buffer.from([1, 2, 3]), 0, 3, at.offset);
    await handle.close();
    const before = await files(store);
    await expectUserError(prune(repo, KEEP_NEWEST_ONLY, { ctx: testContext(), now: NOW, group: P }), 'BACKUP_DAMAGED');
    expect(await files(store)).toEqual(before);
  });

  it('is BUSY while another job holds a lock', async () => {
    const { repo } = await setUp(formatVersion);
    const backupLock = await acquire(repo.store, 'shared', { refreshIntervalMs: 0 });
    await expectUserError(prune(repo, KEEP_NEWEST_ONLY, { ctx: testContext(), now: NOW, group: P }), 'BUSY');
    await backupLock.release();
  });

  it('cancel is a result: stops before deleting and says so', async () => {
    const { repo, store } = await setUp(formatVersion);
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
    const { repo, snaps } = await setUp(formatVersion); // three of "p", made on this computer
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
