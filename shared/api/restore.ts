// Restore and rollback (DESIGN §6): choose a restore point, preview what would change (the plan),
// then run the restore the plan describes — after a safety backup — and verify the result.
import { z } from 'zod';
import { Job } from '../jobs';
import { UserErrorData } from '../errors';
import { ProfileName } from '../profile';
import { RestorePoint } from './backup';
import { SnapshotVerification } from './verify';
import { SnapshotId } from './ids';
import { method } from './method';

const Passphrase = z.string().min(1).max(1024);
const Count = z.number().int().nonnegative();
const Bytes = z.number().nonnegative();
/** What a person types to start a restore: nothing changes by accident. */
export const RESTORE_CONFIRM_WORD = 'RESTORE';

/** Did the person type the confirmation word? Capital or small letters alike: the intent is the same. */
export function confirmWordTyped(text: string): boolean {
  return text.trim().toUpperCase() === RESTORE_CONFIRM_WORD;
}

/** The phases of a restore job, in order (the progress names them; the wizard lists them). */
export const RESTORE_PHASES = {
  check: 'Checking the restore point',
  safety: 'Saving what exists now',
  database: 'Restoring the database',
  bucket: 'Putting files back in R2',
  switch: 'Switching to the restored collections',
  remove: 'Removing files that are not in the restore point',
  folders: 'Restoring settings folders',
  sources: 'Restoring the databases',
  verify: 'Checking the result',
} as const;

/** A restore point as the rollback wizard offers it: with its latest verification. */
export const RestoreChoice = RestorePoint.extend({ verification: SnapshotVerification.nullable() });
export type RestoreChoice = z.infer<typeof RestoreChoice>;

export const RestoreChoices = z.object({
  location: z.string(),
  encrypted: z.boolean(),
  /** Newest first. */
  restorePoints: z.array(RestoreChoice),
  unreadable: z.array(z.object({ id: SnapshotId, message: z.string() })),
});
export type RestoreChoices = z.infer<typeof RestoreChoices>;

/** What one restore point holds, for "choose what to restore" (read from its file list only). */
export const SnapshotContents = z.object({
  snapshotId: SnapshotId,
  database: z.string().nullable(),
  collections: z.array(z.object({ name: z.string(), kind: z.enum(['collection', 'view', 'timeseries']), docs: Count, bytes: Bytes })),
  bucket: z.string().nullable(),
  objects: z.object({ count: Count, bytes: Bytes, topPrefixes: z.array(z.object({ prefix: z.string(), count: Count, bytes: Bytes })) }),
  folders: z.array(z.object({ name: z.string(), files: Count, bytes: Bytes })),
});
export type SnapshotContents = z.infer<typeof SnapshotContents>;

/** Which parts to restore. Collections / prefixes null = all of that part. */
export const RestoreScope = z
  .object({
    database: z.boolean().default(true),
    collections: z.array(z.string().min(1).max(255)).max(1000).nullable().default(null),
    bucket: z.boolean().default(true),
    prefixes: z.array(z.string().min(1).max(1024)).max(100).nullable().default(null),
    folders: z.boolean().default(true),
    /** Write the configuration folders under this folder instead of their original places. */
    folderTarget: z.string().min(1).max(4096).nullable().default(null),
    /** The other sources of the connection (a SQLite database, …), each restored by its kind. */
    sources: z.boolean().default(true),
  })
  .strict();
export type RestoreScope = z.output<typeof RestoreScope>;
export type RestoreScopeInput = z.input<typeof RestoreScope>;

export const PlanCollection = z.object({
  name: z.string(),
  kind: z.enum(['collection', 'view', 'timeseries']),
  /** Documents now; null when it does not exist now. */
  docsNow: Count.nullable(),
  docsInSnapshot: Count,
  bytes: Bytes,
  /** replace: exists now and is swapped for the restore point's; create: missing now; view: recreated; skip: not restored (note says why). */
  action: z.enum(['replace', 'create', 'view', 'skip']),
  note: z.string().nullable(),
});
export type PlanCollection = z.infer<typeof PlanCollection>;

export const PlanObject = z.object({ key: z.string(), size: Bytes, reason: z.enum(['missing', 'changed', 'metadata']) });
export type PlanObject = z.infer<typeof PlanObject>;
export const ExtraObject = z.object({ key: z.string(), size: Bytes });

const Listed = <T extends z.ZodType>(item: T) => z.object({ count: Count, bytes: Bytes, items: z.array(item), truncated: z.boolean() });

export const PlanFolder = z.object({
  name: z.string(),
  /** Where its files go; null when there is nowhere to write them (see warnings). */
  target: z.string().nullable(),
  files: Count,
  dirs: Count,
  symlinks: Count,
  bytes: Bytes,
  /** Entries that would land outside the folder (`..`, absolute, NUL, drive letters): never written. */
  refused: z.array(z.object({ path: z.string(), why: z.string() })),
});
export type PlanFolder = z.infer<typeof PlanFolder>;

/**
 * One source restored by its kind's module (a SQLite database, …): what is replaced, the numbers now
 * and in the restore point, where what exists now is kept.
 */
export const PlanSource = z.object({
  kind: z.string(),
  /** The source's name in the restore point (`sqlite/<name>`'s name). */
  name: z.string(),
  /** What is replaced (a file), or null when this connection has no place for it (then it is left out). */
  target: z.string().nullable(),
  exists: z.boolean(),
  /** What the restore changes, in one plain sentence. */
  summary: z.string(),
  /** Items with a number now and in the restore point (tables and their rows); null: not there. */
  items: z.array(z.object({ name: z.string(), now: Count.nullable(), then: Count.nullable() })),
  bytesNow: Bytes.nullable(),
  bytesThen: Bytes,
  /** Where what exists now is kept beside it (its time is filled in when the restore runs). */
  safetyCopy: z.string().nullable(),
  warnings: z.array(z.string()),
});
export type PlanSource = z.infer<typeof PlanSource>;

/** The preview a person sees and the restore follows exactly. */
export const RestorePlan = z.object({
  id: z.string(),
  createdAt: z.string(),
  profile: z.string(),
  location: z.string(),
  snapshot: z.object({ id: SnapshotId, createdAt: z.string(), tags: z.array(z.string()), consistency: z.enum(['point-in-time', 'best-effort']) }),
  scope: RestoreScope,
  database: z
    .object({
      name: z.string(),
      collections: z.array(PlanCollection),
      /** Collections that exist now but not in the restore point: kept as they are. */
      kept: z.array(z.object({ name: z.string(), docs: Count })),
    })
    .nullable(),
  bucket: z
    .object({
      name: z.string(),
      put: Listed(PlanObject),
      missing: Count,
      changed: Count,
      unchanged: z.object({ count: Count, bytes: Bytes }),
      /** Objects that exist now but not in the restore point: kept unless the person asks to remove them. */
      extra: Listed(ExtraObject),
    })
    .nullable(),
  folders: z.object({ items: z.array(PlanFolder), files: Count, bytes: Bytes }).nullable(),
  /** The sources restored by their kind (SQLite databases, …); absent in plans without any. */
  sources: z.array(PlanSource).optional(),
  /** Data read from the backup location (checked before anything changes). */
  read: z.object({ blobs: Count, bytes: Bytes }),
  warnings: z.array(z.string()),
});
export type RestorePlan = z.infer<typeof RestorePlan>;

export const SafetyChoice = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('take') }),
  z.object({ mode: z.literal('taken'), snapshotId: SnapshotId }),
  z.object({ mode: z.literal('skip') }),
]);
export type SafetyChoice = z.infer<typeof SafetyChoice>;

const Failure = z.object({ name: z.string(), message: z.string() });

export const RestoreVerification = z.object({
  ok: z.boolean(),
  collections: z.array(
    z.object({
      name: z.string(),
      expected: Count,
      found: Count.nullable(),
      sampled: Count,
      sampleOk: z.boolean(),
      indexesOk: z.boolean(),
      /** Documents of the restore point already past their TTL when checked: MongoDB may have deleted up to this many by itself. */
      pastTtl: Count.optional(),
    }),
  ),
  objects: z.object({ expected: Count, present: Count, sampled: Count, problems: z.array(Failure) }),
  files: z.object({ expected: Count, present: Count, problems: z.array(Failure) }),
});
export type RestoreVerification = z.infer<typeof RestoreVerification>;

/** A restored collection holds the restore point's documents, less at most those MongoDB's TTL deleted. */
export function countMatches(c: RestoreVerification['collections'][number]): boolean {
  if (c.found === null) return false;
  return c.found === c.expected || (c.found < c.expected && c.expected - c.found <= (c.pastTtl ?? 0));
}

/** What a restore did (the job summary, also kept when it failed or was cancelled part-way). */
export const RestoreSummary = z.object({
  plan: RestorePlan,
  removeExtra: z.boolean(),
  safetySnapshot: z.object({ id: SnapshotId, createdAt: z.string() }).nullable(),
  /** The last phase that was reached. */
  stage: z.enum(['checking', 'safety', 'database', 'switching', 'bucket', 'sources', 'folders', 'verifying', 'done']),
  database: z.object({ restored: z.array(z.object({ name: z.string(), docs: Count })), views: z.array(z.string()), failed: z.array(Failure), notRestored: z.array(z.string()) }),
  bucket: z.object({ put: Count, putBytes: Bytes, failed: z.array(Failure), removed: Count, removeFailed: z.array(Failure), notDone: Count }),
  folders: z.object({ written: Count, bytes: Bytes, failed: z.array(Failure) }),
  verification: RestoreVerification.nullable(),
  /** The sources restored by their kind: each put in place and checked, or why not. */
  sources: z.array(z.object({ kind: z.string(), name: z.string(), target: z.string().nullable(), ok: z.boolean(), message: z.string(), safetyCopy: z.string().nullable() })).optional(),
  durationMs: z.number(),
  /** Plain sentences about how the restore ran (e.g. without marking a full drive as in use). */
  notes: z.array(z.string()).optional(),
});
export type RestoreSummary = z.infer<typeof RestoreSummary>;

const ForProfile = z.object({ profile: ProfileName, passphrase: Passphrase.optional() }).strict();

export const restoreMethods = {
  'restore.points': method(ForProfile, RestoreChoices, 'The restore points a profile can roll back to, newest first, with their latest verification.'),
  'restore.contents': method(ForProfile.extend({ snapshot: SnapshotId }).strict(), SnapshotContents, 'What one restore point holds: collections, files by top folder, configuration folders.'),
  'restore.plan': method(
    ForProfile.extend({ snapshot: z.union([SnapshotId, z.literal('latest')]), scope: RestoreScope.prefault({}) }).strict(),
    RestorePlan,
    'Compare a restore point with what exists now and say what a restore would change (nothing is changed). Long lists are shortened; the restore follows the full plan.',
  ),
  'restore.start': method(
    z
      .object({
        planId: z.string().min(1).max(100),
        confirm: z.literal(RESTORE_CONFIRM_WORD),
        removeExtra: z.boolean().default(false),
        safety: SafetyChoice.default({ mode: 'take' }),
        passphrase: Passphrase.optional(),
      })
      .strict(),
    Job,
    'Run a previewed restore (a job): safety backup (unless skipped or already taken), then database, files and folders, then a check of the result.',
  ),
  'restore.safetyBackup': method(ForProfile, Job, 'Save what exists now as a restore point (tagged pre-restore) before a rollback; returns the backup job. Its id goes to restore.start as safety "taken".'),
  'restore.safetyObstacle': method(
    ForProfile,
    z.object({ obstacle: UserErrorData.nullable() }),
    'Whether a safety backup can be saved in the backup location right now (obstacle null), or why not (a full or read-only drive), to say before the person confirms.',
  ),
  'restore.cleanup': method(z.object({ profile: ProfileName }).strict(), z.object({ dropped: z.array(z.string()) }), 'Remove temporary collections left by an interrupted restore.'),
} as const;
