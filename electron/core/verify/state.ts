// What verification proved, kept in the history database (migration 002): the latest verification of
// each restore point, and the rotating slice of sampled verification per backup location.
import type Database from 'better-sqlite3';
import type { SnapshotVerification, VerifyDepth, VerifyStatus } from '../../../shared/api/verify';
import { ID_SPACE, percentOf, sliceLength, type Slice } from './sample';

interface VerificationRow {
  snapshot_id: string;
  verified_at: string;
  depth: string;
  ok: number;
  problems: number;
  test_restore: number;
}

interface CoverageRow {
  repo_id: string;
  next_start: number;
  covered: number;
  round_started_at: string;
  last_complete_at: string | null;
}

export interface Coverage {
  coveredPercent: number;
  roundStartedAt: string;
  lastCompleteAt: string | null;
}

const toVerification = (r: VerificationRow): SnapshotVerification => ({ verifiedAt: r.verified_at, depth: r.depth as VerifyDepth, ok: r.ok === 1, problems: r.problems, testRestore: r.test_restore === 1 });

export class VerifyStateStore {
  constructor(private readonly db: Database.Database) {}

  record(input: { repoId: string; profile: string | null; opId: string | null; at: string; depth: VerifyDepth; testRestore: boolean; snapshots: { id: string; ok: boolean; problems: number }[] }): void {
    const insert = this.db.prepare(
      `INSERT INTO snapshot_verifications (repo_id, snapshot_id, profile, op_id, verified_at, depth, ok, problems, test_restore) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const s of input.snapshots) insert.run(input.repoId, s.id, input.profile, input.opId, input.at, input.depth, s.ok ? 1 : 0, s.problems, input.testRestore ? 1 : 0);
    })();
  }

  /** The latest verification of each restore point verified under this profile. */
  latestByProfile(profile: string): Record<string, SnapshotVerification> {
    const rows = this.db
      .prepare(
        `SELECT v.* FROM snapshot_verifications v
         WHERE v.profile = ? AND v.rowid = (SELECT w.rowid FROM snapshot_verifications w WHERE w.repo_id = v.repo_id AND w.snapshot_id = v.snapshot_id ORDER BY w.verified_at DESC, w.rowid DESC LIMIT 1)`,
      )
      .all(profile) as VerificationRow[];
    return Object.fromEntries(rows.map((r) => [r.snapshot_id, toVerification(r)]));
  }

  /** The backup location a profile was last verified in (for its coverage). */
  lastRepoOf(profile: string): string | null {
    const row = this.db.prepare(`SELECT repo_id FROM snapshot_verifications WHERE profile = ? ORDER BY verified_at DESC, rowid DESC LIMIT 1`).get(profile) as { repo_id: string } | undefined;
    return row?.repo_id ?? null;
  }

  private coverageRow(repoId: string): CoverageRow | undefined {
    return this.db.prepare(`SELECT * FROM verify_coverage WHERE repo_id = ?`).get(repoId) as CoverageRow | undefined;
  }

  /** The slice the next sampled run of this location should read. */
  nextSlice(repoId: string, percent: number): Slice {
    return { from: this.coverageRow(repoId)?.next_start ?? 0, length: sliceLength(percent) };
  }

  /** After a sampled run read `slice` completely: move on, and close the round once it covered everything. */
  advance(repoId: string, slice: Slice, at: string): Coverage {
    const row = this.coverageRow(repoId);
    let covered = (row?.covered ?? 0) + slice.length;
    let roundStartedAt = row?.round_started_at ?? at;
    let lastCompleteAt = row?.last_complete_at ?? null;
    if (covered >= ID_SPACE) {
      lastCompleteAt = at;
      roundStartedAt = at;
      covered = 0;
    }
    const next = (slice.from + slice.length) % ID_SPACE;
    this.db
      .prepare(
        `INSERT INTO verify_coverage (repo_id, next_start, covered, round_started_at, last_complete_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (repo_id) DO UPDATE SET next_start = excluded.next_start, covered = excluded.covered, round_started_at = excluded.round_started_at, last_complete_at = excluded.last_complete_at, updated_at = excluded.updated_at`,
      )
      .run(repoId, next, covered, roundStartedAt, lastCompleteAt, at);
    return { coveredPercent: percentOf(covered), roundStartedAt, lastCompleteAt };
  }

  /** A full verification read everything: the location is completely covered as of now. */
  markComplete(repoId: string, at: string): void {
    const row = this.coverageRow(repoId);
    this.db
      .prepare(
        `INSERT INTO verify_coverage (repo_id, next_start, covered, round_started_at, last_complete_at, updated_at) VALUES (?, ?, 0, ?, ?, ?)
         ON CONFLICT (repo_id) DO UPDATE SET covered = 0, round_started_at = excluded.round_started_at, last_complete_at = excluded.last_complete_at, updated_at = excluded.updated_at`,
      )
      .run(repoId, row?.next_start ?? 0, at, at, at);
  }

  coverage(repoId: string): Coverage | null {
    const row = this.coverageRow(repoId);
    return row ? { coveredPercent: percentOf(row.covered), roundStartedAt: row.round_started_at, lastCompleteAt: row.last_complete_at } : null;
  }

  status(profile: string): VerifyStatus {
    const repoId = this.lastRepoOf(profile);
    return { snapshots: this.latestByProfile(profile), coverage: repoId ? this.coverage(repoId) : null };
  }
}
