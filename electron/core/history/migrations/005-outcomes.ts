// Version 5: the "found problems" outcome (issue 16) and what happened to an update after its checks.
// - operations: runs that went to their end but found something wrong get the status 'problems'
//   instead of 'succeeded' (a storage check with findings, checks with a failed check) or 'failed'
//   (a verification that found damage, which keeps its BACKUP_DAMAGED error as its finding).
// - update_records.events_json: every after-check run and every rollback of the update, in order, so
//   the report still tells them when a later run passed.
import type Database from 'better-sqlite3';

const FOUND = JSON.stringify({ code: 'PROBLEMS_FOUND', title: 'Problems found', message: 'The check ran to its end and found problems.', hint: 'Open it to see what it found.' });

export function up(db: Database.Database): void {
  db.exec(`ALTER TABLE update_records ADD COLUMN events_json TEXT NOT NULL DEFAULT '[]'`);
  db.prepare(
    `UPDATE operations SET status = 'problems', error_json = COALESCE(error_json, ?)
      WHERE status = 'succeeded' AND json_valid(summary_json) AND (
        (kind = 'consistency' AND json_extract(summary_json, '$.problems') > 0) OR
        (kind = 'checklist' AND json_extract(summary_json, '$.ok') = 0))`,
  ).run(FOUND);
  db.exec(
    `UPDATE operations SET status = 'problems'
      WHERE kind = 'verify' AND status = 'failed' AND json_valid(summary_json) AND json_extract(summary_json, '$.ok') = 0
        AND json_valid(error_json) AND json_extract(error_json, '$.code') = 'BACKUP_DAMAGED'`,
  );
}
