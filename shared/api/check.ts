// The storage check ("check.*"; core: electron/core/check/): the file records in MongoDB compared with
// the objects in the bucket, read-only, and where missing files can still be found.
import { z } from 'zod';
import { Job } from '../jobs';
import { ProfileName } from '../profile';
import { method } from './method';

/** Typed by a person when the profile does not remember it; never stored, never echoed back. */
const Passphrase = z.string().min(1).max(1024);

const Listed = <T extends z.ZodRawShape>(item: T) => z.object({ count: z.number().int(), bytes: z.number(), items: z.array(z.object(item)) });

export const ConsistencyResult = z.object({
  ok: z.boolean(),
  database: z.string(),
  collection: z.string(),
  keyField: z.string(),
  sizeField: z.string().nullable(),
  deletedField: z.string().nullable(),
  bucket: z.string(),
  records: z.number().int(),
  deletedRecords: z.number().int(),
  recordsWithoutKey: z.number().int(),
  objects: z.number().int(),
  objectBytes: z.number(),
  /** Live records whose object is not in the bucket. */
  missing: Listed({ key: z.string(), recordId: z.string(), recordSize: z.number().nullable() }),
  /** Objects no record points to. */
  orphans: Listed({ key: z.string(), size: z.number() }),
  /** Records whose size field differs from the object's size. */
  sizeMismatches: Listed({ key: z.string(), recordId: z.string(), recordSize: z.number(), objectSize: z.number() }),
  /** Soft-deleted records whose object still exists. */
  deletedWithObject: Listed({ key: z.string(), recordId: z.string(), size: z.number() }),
  /** Findings in all four lists together (0: records and bucket agree). */
  problems: z.number().int(),
  /** How many items each list above holds at most (the CSV file has all). */
  listLimit: z.number().int(),
  csvFile: z.string().nullable(),
  durationMs: z.number(),
});
export type ConsistencyResult = z.infer<typeof ConsistencyResult>;


/** For files found missing: the restore points that hold them, newest first, and those none holds. */
export const FilesInBackups = z.object({
  /** Restore points looked into. */
  checked: z.number().int().nonnegative(),
  found: z.array(z.object({ snapshotId: z.string(), createdAt: z.string(), keys: z.array(z.string()) })),
  notFound: z.array(z.string()),
});
export type FilesInBackups = z.infer<typeof FilesInBackups>;

export const checkMethods = {
  'check.start': method(z.object({ profile: ProfileName }).strict(), Job, 'Compare the file records in MongoDB with the objects in R2 (read-only); returns the job.'),
  'check.inBackups': method(
    z.object({ profile: ProfileName, keys: z.array(z.string().min(1).max(1024)).min(1).max(200), passphrase: Passphrase.optional() }).strict(),
    FilesInBackups,
    'Which restore points still hold files a storage check found missing (newest first, up to 10 looked into).',
  ),
  'check.csv': method(z.object({ id: z.string().min(1).max(100) }).strict(), z.object({ fileName: z.string(), csv: z.string() }), 'The full result of a storage check as CSV.'),
} as const;
