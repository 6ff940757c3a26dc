// What verification keeps in the history database (migration 002), and a finished verification with
// problems recorded as a failed job that keeps its summary.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openHistoryDb } from '../../../electron/core/history/db';
import { JobManager } from '../../../electron/core/jobs/manager';
import { HistoryStore } from '../../../electron/core/history/store';
import { ID_SPACE, sliceLength } from '../../../electron/core/verify/sample';
import { VerifyStateStore } from '../../../electron/core/verify/state';
import { verifyFindings } from '../../../electron/core/verify/profile-jobs';
import type { VerifyResult } from '../../../shared/api/verify';
import { tempDir } from '../../support/engine';
import fs from 'node:fs';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function db() {
  const dir = tempDir();
  dirs.push(dir);
  return openHistoryDb(path.join(dir, 'history.sqlite'));
}

const result = (ok: boolean): VerifyResult => ({
  ok, snapshotId: 'a'.repeat(32), depth: 'full', samplePercent: null, testRestore: false, location: '/backups', repoId: 'r'.repeat(32),
  snapshots: [{ id: 'a'.repeat(32), createdAt: '2025-03-04T14:02:00.000Z', tags: [], ok, problems: ok ? 0 : 1 }],
  checked: { snapshots: 1, entries: 1, blobs: 1, blobsRead: 1, bytesRead: 1, documents: 0, metadataFiles: 0, restoredCollections: 0, restoredDocuments: 0 },
  sample: null, durationMs: 5, problemCount: ok ? 0 : 1,
  problems: ok ? [] : [{ snapshotId: 'a'.repeat(32), path: 'r2/b/x', blob: 'b'.repeat(64), file: null, code: 'missing', message: 'x is damaged: the file is missing.' }],
});

describe('verification state', () => {
  it('keeps the latest verification of each restore point, per profile', () => {
    const state = new VerifyStateStore(db());
    const snap = (id: string, ok: boolean) => ({ id, ok, problems: ok ? 0 : 2 });
    state.record({ repoId: 'r1', profile: 'Office', opId: 'j1', at: '2025-01-01T00:00:00Z', depth: 'quick', testRestore: false, snapshots: [snap('a', true), snap('b', true)] });
    state.record({ repoId: 'r1', profile: 'Office', opId: 'j2', at: '2025-01-02T00:00:00Z', depth: 'full', testRestore: true, snapshots: [snap('b', false)] });
    state.record({ repoId: 'r2', profile: 'Other', opId: 'j3', at: '2025-01-03T00:00:00Z', depth: 'full', testRestore: false, snapshots: [snap('c', true)] });
    expect(state.status('Office')).toEqual({
      snapshots: {
        a: { verifiedAt: '2025-01-01T00:00:00Z', depth: 'quick', ok: true, problems: 0, testRestore: false },
        b: { verifiedAt: '2025-01-02T00:00:00Z', depth: 'full', ok: false, problems: 2, testRestore: true },
      },
      coverage: null,
    });
  });

  it('rotates the sample slice and closes a round once everything was read', () => {
    const state = new VerifyStateStore(db());
    const first = state.nextSlice('r1', 25);
    expect(first).toEqual({ from: 0, length: sliceLength(25) });
    let coverage = state.advance('r1', first, '2025-01-01T00:00:00Z');
    expect(coverage).toEqual({ coveredPercent: 25, roundStartedAt: '2025-01-01T00:00:00Z', lastCompleteAt: null });
    expect(state.nextSlice('r1', 25).from).toBe(ID_SPACE / 4);
    for (const day of [2, 3, 4]) coverage = state.advance('r1', state.nextSlice('r1', 25), `2025-01-0${day}T00:00:00Z`);
    expect(coverage).toEqual({ coveredPercent: 0, roundStartedAt: '2025-01-04T00:00:00Z', lastCompleteAt: '2025-01-04T00:00:00Z' });
    expect(state.nextSlice('r1', 25).from).toBe(0);
  });
});

describe('a verification that found problems', () => {
  it('ends as "found problems" (not failed) with its finding and its full summary in history', async () => {
    const database = db();
    const history = new HistoryStore(database);
    const jobs = new JobManager({ history, throttleMs: 0 });
    for (const ok of [true, false]) {
      const job = jobs.start({ kind: 'verify', title: 'Check', run: async () => result(ok), findings: verifyFindings });
      const done = await jobs.wait(job.id);
      expect(done.status).toBe(ok ? 'succeeded' : 'problems');
      expect(history.get(job.id).status).toBe(ok ? 'succeeded' : 'problems');
      const item = history.get(job.id);
      expect(item.summary).toMatchObject({ ok });
      if (!ok) expect(item.error).toMatchObject({ code: 'BACKUP_DAMAGED', message: 'Verification found 1 problem in the backup.' });
    }
  });
});
