// Version 3: update records of the pre-update checklist. One row per update of PCI File Manager: the
// versions, the restore point taken before, every check's result, the baseline, the after-checks and
// notes. The JSON columns hold the shapes of shared/api/checklist.ts.
import type Database from 'better-sqlite3';

export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE update_records (
      id TEXT PRIMARY KEY,
      profile TEXT NOT NULL,
      status TEXT NOT NULL,
      from_version TEXT,
      to_version TEXT,
      snapshot_id TEXT,
      created_at TEXT NOT NULL,
      ready_at TEXT,
      finished_at TEXT,
      updated_at TEXT NOT NULL,
      before_json TEXT,
      baseline_json TEXT,
      after_json TEXT,
      confirmations_json TEXT NOT NULL DEFAULT '{}',
      acknowledged_json TEXT NOT NULL DEFAULT '{}',
      notes TEXT NOT NULL DEFAULT '',
      outcome TEXT
    );
    CREATE INDEX update_records_profile ON update_records (profile, created_at DESC);
    CREATE INDEX update_records_status ON update_records (status, created_at DESC);
  `);
}
