// Version 1: operations (one row per job) and their bounded logs.
import type Database from 'better-sqlite3';

export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE operations (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      title TEXT NOT NULL,
      status TEXT NOT NULL,
      profile TEXT,
      started_at TEXT NOT NULL,
      finished_at TEXT,
      duration_ms INTEGER,
      summary_json TEXT,
      error_json TEXT,
      log_dropped INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX operations_started ON operations (started_at DESC);
    CREATE INDEX operations_kind ON operations (kind, started_at DESC);
    CREATE INDEX operations_status ON operations (status, started_at DESC);
    CREATE TABLE operation_logs (
      op_id TEXT NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      at TEXT NOT NULL,
      level TEXT NOT NULL,
      message TEXT NOT NULL,
      PRIMARY KEY (op_id, seq)
    );
  `);
}
