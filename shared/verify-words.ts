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
};

/** What to do about a problem, in plain words. */
export function adviceFor(code: VerifyProblemCode): string {
  switch (code) {
    case 'restore-failed':
    case 'restore-count-mismatch':
    case 'restore-index-mismatch':
      return 'The database part of this backup could not be restored as it should. Make a new backup and verify it with a test restore.';
    case 'entries-mismatch':
    case 'manifest-damaged':
    case 'snapshot-damaged':
    case 'snapshot-replaced':
      return 'This restore point cannot be trusted. Make a new backup now, and use another restore point if you need to restore.';
    default:
      return 'Make a new backup now: it stores a fresh copy of anything damaged. Then check the backup drive or bucket for errors.';
  }
}
