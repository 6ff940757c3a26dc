// Version 6: the maintenance plan — each automated check's results and each manual step's sign-offs,
// per connection, so due dates, overdue warnings and the sign-off history survive restarts.
import type Database from 'better-sqlite3';

export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE plan_results (
      id INTEGER PRIMARY KEY,
      profile TEXT NOT NULL,
      check_id TEXT NOT NULL,
      at TEXT NOT NULL,
      level TEXT NOT NULL,
      op_id TEXT,
      result_json TEXT NOT NULL
    );
    CREATE INDEX plan_results_by_check ON plan_results (profile, check_id, at);
    CREATE TABLE plan_signoffs (
      id INTEGER PRIMARY KEY,
      profile TEXT NOT NULL,
      item_id TEXT NOT NULL,
      at TEXT NOT NULL,
      note TEXT NOT NULL
    );
    CREATE INDEX plan_signoffs_by_item ON plan_signoffs (profile, item_id, at);
  `);
}
