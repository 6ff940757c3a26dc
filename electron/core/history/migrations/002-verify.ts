// Version 2: what verification proved. One row per verified restore point and run (the restore points
// list and the dashboard show the latest), and per backup location the position of the rotating slice
// that sampled verification reads next, with how much of the location the current round has covered.
import type Database from 'better-sqlite3';

export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE snapshot_verifications (
      repo_id TEXT NOT NULL,
      snapshot_id TEXT NOT NULL,
      profile TEXT,
      op_id TEXT,
      verified_at TEXT NOT NULL,
      depth TEXT NOT NULL,
      ok INTEGER NOT NULL,
      problems INTEGER NOT NULL,
      test_restore INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX snapshot_verifications_snapshot ON snapshot_verifications (repo_id, snapshot_id, verified_at DESC);
    CREATE INDEX snapshot_verifications_profile ON snapshot_verifications (profile, verified_at DESC);
    CREATE TABLE verify_coverage (
      repo_id TEXT PRIMARY KEY,
      next_start INTEGER NOT NULL,
      covered INTEGER NOT NULL,
      round_started_at TEXT NOT NULL,
      last_complete_at TEXT,
      updated_at TEXT NOT NULL
    );
  `);
}
