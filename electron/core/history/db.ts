// Opens the history database: WAL for crash safety, each migration in a transaction with its version bump.
import type Database from 'better-sqlite3';
import { openDatabase } from '../native/sqlite';
import { MIGRATIONS } from './migrations';
import { userError } from '../../../shared/errors';

export function openHistoryDb(file: string, migrations = MIGRATIONS): Database.Database {
  const db = openDatabase(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}

export function migrate(db: Database.Database, migrations = MIGRATIONS): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw userError(
      'INTERNAL',
      'History is from a newer version',
      'The history file was written by a newer version of PCI Maintenance.',
      'Update PCI Maintenance to the newest version, or choose another data folder.',
    );
  }
  for (let version = current + 1; version <= migrations.length; version++) {
    const step = migrations[version - 1];
    db.transaction(() => {
      step(db);
      db.pragma(`user_version = ${version}`);
    })();
  }
}
