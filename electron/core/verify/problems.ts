// The problems a verification finds, in one bounded list, and how a BACKUP_DAMAGED error of the
// repository layer maps to a precise problem code (missing, wrong size, hash mismatch, …).
import { UserError } from '../../../shared/errors';
import type { VerifyProblem, VerifyProblemCode } from '../../../shared/api/verify';

/** A result lists this many problems; the count says how many there were in all. */
export const MAX_LISTED_PROBLEMS = 500;

export class ProblemLog {
  readonly items: VerifyProblem[] = [];
  count = 0;
  private readonly perSnapshot = new Map<string, number>();

  add(problem: VerifyProblem): void {
    this.count += 1;
    if (problem.snapshotId) this.perSnapshot.set(problem.snapshotId, (this.perSnapshot.get(problem.snapshotId) ?? 0) + 1);
    if (this.items.length < MAX_LISTED_PROBLEMS) this.items.push(problem);
  }

  of(snapshotId: string): number {
    return this.perSnapshot.get(snapshotId) ?? 0;
  }
}

/** What the stored file looked like when it was read (see InspectingStore). */
export interface StoredShape {
  length: number;
  flag: number;
}

/** Bytes an encrypted blob adds around its body: nonce and tag. */
export const SEAL_OVERHEAD = 12 + 16;
/** Smallest gzip stream (header + empty deflate block + trailer). */
const MIN_GZIP = 20;
/** Writers keep gzip only when it saves ≥ 3 % (docs/backup-format.md §4). */
const MAX_GZIP_RATIO = 0.97;

/**
 * Whether a blob file of `stored` bytes can hold `plain` bytes, judging by the size alone (no read):
 * raw is exactly 1 + plain (+ seal), gzip lies between the smallest stream and 97 % of the plaintext.
 */
export function plausibleStoredSize(stored: number, plain: number, encrypted: boolean): boolean {
  const overhead = 1 + (encrypted ? SEAL_OVERHEAD : 0);
  if (stored === plain + overhead) return true;
  return stored >= overhead + MIN_GZIP && stored <= overhead + Math.floor(plain * MAX_GZIP_RATIO);
}

/** The problem code for a failure to read a blob, from the repository's error and what was stored. */
export function classifyBlobError(err: unknown, expectedPlain: number | null, shape: StoredShape | undefined, encrypted: boolean): { code: VerifyProblemCode; why: string } | null {
  if (!(err instanceof UserError) || err.code !== 'BACKUP_DAMAGED') return null;
  const details = err.details ?? '';
  if (/the file is missing/.test(details)) return { code: 'missing', why: /no pack file holds it/.test(details) ? 'no pack file holds it' : 'the file is missing' };
  // A raw blob is exactly one flag byte (+ seal) longer than its content: anything shorter was cut off.
  if (expectedPlain !== null && shape && shape.flag === 0 && shape.length < expectedPlain + 1 + (encrypted ? SEAL_OVERHEAD : 0)) {
    return { code: 'wrong-size', why: `the file is ${shape.length} bytes, too short for its ${expectedPlain} bytes of content` };
  }
  if (/empty file/.test(details)) return { code: 'wrong-size', why: 'the file is empty' };
  if (/authentication failed|too short to be encrypted/.test(details)) return { code: 'cannot-decrypt', why: 'it cannot be decrypted (changed or damaged)' };
  if (/compressed data cannot be read/.test(details)) return { code: 'cannot-decompress', why: 'its compressed data is broken' };
  if (/does not match its id/.test(details)) return { code: 'hash-mismatch', why: 'its content does not match its checksum' };
  return { code: 'damaged', why: details.replace(/^[^:]*: /, '') || 'it cannot be read' };
}

/** The same for the restore point file itself. */
export function classifySnapshotError(err: unknown): { code: VerifyProblemCode; why: string } | null {
  if (!(err instanceof UserError) || err.code !== 'BACKUP_DAMAGED') return null;
  const details = err.details ?? '';
  if (/names itself/.test(details)) return { code: 'snapshot-replaced', why: 'the file holds another restore point (it was copied over this one)' };
  if (/authentication failed|too short to be encrypted/.test(details)) return { code: 'snapshot-damaged', why: 'the file cannot be decrypted (changed, damaged or copied from another restore point)' };
  return { code: 'snapshot-damaged', why: details.replace(/^[^:]*: /, '') || 'the file cannot be read' };
}

export { adviceFor } from '../../../shared/verify-words';
