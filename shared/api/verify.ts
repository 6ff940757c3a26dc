// Proving backups ("verify.*"; core: electron/core/verify/): verification of restore points, quick,
// sampled or full, with a test restore. The storage check is in check.ts, export and import in export.ts.
import { z } from 'zod';
import { Job } from '../jobs';
import { ProfileName } from '../profile';
import { SnapshotId } from './ids';
import { method } from './method';

const IsoTime = z.string();
/** Typed by a person when the profile does not remember it; never stored, never echoed back. */
const Passphrase = z.string().min(1).max(1024);

export const VERIFY_DEPTHS = ['quick', 'sampled', 'full'] as const;
export const VerifyDepth = z.enum(VERIFY_DEPTHS);
export type VerifyDepth = z.infer<typeof VerifyDepth>;

/** What can be wrong; every problem also names its restore point, logical path and blob where known. */
export const VERIFY_PROBLEM_CODES = [
  'missing', // a blob file the restore point needs is not there
  'wrong-size', // a blob file is shorter/longer than its content can be
  'hash-mismatch', // a blob's content does not match its id
  'cannot-decrypt', // authentication failed: changed, damaged, or another key
  'cannot-decompress', // the gzip stream is broken
  'damaged', // damaged in another way (unknown encoding flag, read error)
  'bson-parse-error', // a database chunk does not parse document by document
  'count-mismatch', // a database chunk holds another number of documents than the manifest says
  'metadata-invalid', // a <collection>.metadata.json does not follow mongodump's rules
  'manifest-damaged', // a line of the file list cannot be read
  'entries-mismatch', // the file list has another number of entries than the restore point says
  'snapshot-damaged', // the restore point file itself cannot be read
  'snapshot-replaced', // the restore point file holds another restore point (copied over)
  'restore-failed', // test restore: the scratch collections could not be filled
  'restore-count-mismatch', // test restore: another number of documents than the backup holds
  'restore-index-mismatch', // test restore: indexes differ from the backup's definitions
  'restore-content-mismatch', // test restore: the documents read back are not the backup's bytes
  'restore-not-exact', // documents the restore cannot write back exactly (it refuses their collection)
] as const;
export const VerifyProblemCode = z.enum(VERIFY_PROBLEM_CODES);
export type VerifyProblemCode = z.infer<typeof VerifyProblemCode>;

export const VerifyProblem = z.object({
  snapshotId: SnapshotId.nullable(),
  /** Logical path in the restore point (`mongo/db/coll.bson`, `r2/bucket/key`), or null (file list, restore point file). */
  path: z.string().nullable(),
  blob: z.string().nullable(),
  /** The file in the backup location (`blobs/ab/ab…`, `snapshots/…`), when one is at fault. */
  file: z.string().nullable(),
  code: VerifyProblemCode,
  message: z.string(),
});
export type VerifyProblem = z.infer<typeof VerifyProblem>;

export const VerifiedSnapshot = z.object({
  id: SnapshotId,
  createdAt: IsoTime,
  tags: z.array(z.string()),
  ok: z.boolean(),
  problems: z.number().int().nonnegative(),
});

export const VerifyResult = z.object({
  ok: z.boolean(),
  /** The restore point verified, when it was one (null for "all"). */
  snapshotId: SnapshotId.nullable(),
  depth: VerifyDepth,
  samplePercent: z.number().nullable(),
  testRestore: z.boolean(),
  location: z.string(),
  repoId: z.string(),
  snapshots: z.array(VerifiedSnapshot),
  checked: z.object({
    snapshots: z.number().int(),
    entries: z.number().int(),
    blobs: z.number().int(),
    blobsRead: z.number().int(),
    bytesRead: z.number(),
    documents: z.number().int(),
    metadataFiles: z.number().int(),
    restoredCollections: z.number().int(),
    restoredDocuments: z.number().int(),
  }),
  /** Each source kind's own check of its part (a SQLite database rebuilt and checked by SQLite, …). */
  sourceChecks: z.array(z.object({ kind: z.string(), name: z.string(), snapshotId: SnapshotId, ok: z.boolean(), message: z.string() })).optional(),
  /** Sampled runs: the slice of the blob-id space read this time (percent from..to) and overall coverage. */
  sample: z.object({ fromPercent: z.number(), toPercent: z.number(), coveredPercent: z.number(), lastCompleteAt: IsoTime.nullable() }).nullable(),
  problems: z.array(VerifyProblem),
  /** All problems; `problems` lists at most the first 500. */
  problemCount: z.number().int(),
  durationMs: z.number(),
  /** Plain sentences about how the check ran (e.g. without marking a full drive as in use). */
  notes: z.array(z.string()).optional(),
});
export type VerifyResult = z.infer<typeof VerifyResult>;

export const SnapshotVerification = z.object({
  verifiedAt: IsoTime,
  depth: VerifyDepth,
  ok: z.boolean(),
  problems: z.number().int(),
  testRestore: z.boolean(),
});
export type SnapshotVerification = z.infer<typeof SnapshotVerification>;

export const VerifyCoverage = z.object({ coveredPercent: z.number(), roundStartedAt: IsoTime, lastCompleteAt: IsoTime.nullable() });

export const VerifyStatus = z.object({
  /** The latest verification of each restore point, by snapshot id. */
  snapshots: z.record(z.string(), SnapshotVerification),
  coverage: VerifyCoverage.nullable(),
});
export type VerifyStatus = z.infer<typeof VerifyStatus>;

export const VerifyTarget = z.object({
  id: SnapshotId,
  createdAt: IsoTime,
  tags: z.array(z.string()),
  profile: z.string(),
  entries: z.number().int(),
  bytes: z.number(),
  hasDatabase: z.boolean(),
  verification: SnapshotVerification.nullable(),
});
export type VerifyTarget = z.infer<typeof VerifyTarget>;

export const VerifyTargets = z.object({
  location: z.string(),
  /** Newest first. */
  snapshots: z.array(VerifyTarget),
  /** Restore point files that cannot be read (a verification names them). */
  damaged: z.array(z.string()),
});
export type VerifyTargets = z.infer<typeof VerifyTargets>;

export const VerifyRequest = z
  .object({
    profile: ProfileName,
    /** A snapshot id, 'latest' or 'all'. */
    snapshot: z.union([SnapshotId, z.literal('latest'), z.literal('all')]).default('latest'),
    depth: VerifyDepth.default('quick'),
    samplePercent: z.number().min(0.1).max(100).default(10),
    testRestore: z.boolean().default(false),
    passphrase: Passphrase.optional(),
  })
  .strict();
export type VerifyRequest = z.input<typeof VerifyRequest>;

const Profile = z.object({ profile: ProfileName }).strict();
const ProfileLocation = z.object({ profile: ProfileName, passphrase: Passphrase.optional() }).strict();

export const verifyMethods = {
  'verify.targets': method(ProfileLocation, VerifyTargets, 'Restore points of a profile that can be verified, newest first, with their last verification.'),
  'verify.start': method(VerifyRequest, Job, 'Verify restore points (quick, sampled or full, optionally with a test restore); returns the job.'),
  'verify.status': method(Profile, VerifyStatus, 'The latest verification of each restore point of a profile, and sampled coverage.'),
} as const;
