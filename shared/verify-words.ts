// Plain words for what a verification found, shared by the CLI, the job's error and the UI. Pure.
import type { VerifyProblemCode } from './api/verify';

/** A short name for each kind of problem, as a person would say it. */
export const PROBLEM_WORDS: Record<VerifyProblemCode, string> = {
  missing: 'Missing',
  'wrong-size': 'Wrong size',
  'hash-mismatch': 'Content changed',
  'cannot-decrypt': 'Cannot be decrypted',
  'cannot-decompress': 'Cannot be unpacked',
  damaged: 'Damaged',
  'bson-parse-error': 'Database data unreadable',
  'count-mismatch': 'Documents missing',
  'metadata-invalid': 'Collection settings unreadable',
  'manifest-damaged': 'List of files damaged',
  'entries-mismatch': 'List of files incomplete',
  'snapshot-damaged': 'Restore point damaged',
  'snapshot-replaced': 'Restore point replaced',
  'restore-failed': 'Test restore failed',
  'restore-count-mismatch': 'Test restore: documents differ',
  'restore-index-mismatch': 'Test restore: indexes differ',
  'restore-content-mismatch': 'Test restore: documents changed',
  'restore-not-exact': 'Restore cannot write back exactly',
};

/** What to do about a problem, in plain words. */
export function adviceFor(code: VerifyProblemCode): string {
  switch (code) {
    case 'restore-failed':
    case 'restore-count-mismatch':
    case 'restore-index-mismatch':
    case 'restore-content-mismatch':
      return 'The database part of this backup could not be restored as it should. Make a new backup and verify it with a test restore.';
    case 'restore-not-exact':
      return 'The backup holds these documents intact, but this app cannot write them back exactly, so a restore that includes their collection stops before changing anything. Restore the other collections, and for this one export the restore point as a mongodump folder and use mongorestore, which writes documents byte for byte.';
    case 'entries-mismatch':
    case 'manifest-damaged':
    case 'snapshot-damaged':
    case 'snapshot-replaced':
      return 'This restore point cannot be trusted. Make a new backup now, and use another restore point if you need to restore.';
    default:
      return 'Make a new backup now: it stores a fresh copy of anything damaged. Then check the backup drive or bucket for errors.';
  }
}
