// Version 4: schedules, maintenance and notifications.
// - schedule_state: per scheduled task ("backup:<profile>", "maintenance"), the date of the last run it
//   handled. Claiming a date is one UPDATE … WHERE last_slot < ?, so a run happens once even with two
//   processes (desktop app and `pci-maint serve`) on one data folder, and never twice on a DST day.
// - maintenance_runs: what each maintenance task did, for the maintenance page.
// - notify_state: what was already said (e.g. "no backup for 26 hours"), so it is not repeated every minute.
import type Database from 'better-sqlite3';

export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE schedule_state (
      task TEXT PRIMARY KEY,
      since TEXT NOT NULL,
      last_slot TEXT,
      last_due_at TEXT,
      last_started_at TEXT,
      last_outcome TEXT,
      last_missed INTEGER NOT NULL DEFAULT 0,
      last_op_id TEXT,
      last_message TEXT
    );
    CREATE TABLE maintenance_runs (
      task TEXT NOT NULL,
      op_id TEXT,
      at TEXT NOT NULL,
      ok INTEGER NOT NULL,
      did TEXT NOT NULL
    );
    CREATE INDEX maintenance_runs_task ON maintenance_runs (task, at DESC);
    CREATE TABLE notify_state (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      at TEXT NOT NULL
    );
  `);
}
