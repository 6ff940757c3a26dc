// Backups, restore points and prune: start a backup (a job), list and inspect the restore points of a
// profile's backup location, and forget old restore points by the retention rules (a job).
import { z } from 'zod';
import { Job } from '../jobs';
import { ProfileName } from '../profile';
import { SnapshotId } from './ids';
import { method } from './method';

/** Tags as the backup format allows them: manual, scheduled, pre-update, pre-restore, or own words. */
export const BackupTag = z.string().regex(/^[a-z0-9-]{1,40}$/, 'Use up to 40 lower-case letters, digits and dashes.');
/**
 * Tags only the app puts on its own backups, each with a meaning the app acts on: "pre-restore" is the
 * safety backup a restore "latest" skips, "pre-update" the checklist's backup that "Roll back" offers,
 * "imported" a mongodump import, "event" a backup an app's event asked for (kept by its own retention
 * rule, see shared/api/retention.ts; `pci-maint backup --event` and the trigger set it). A person choosing one would make a backup look like something it is
 * not (a --tag pre-restore backup would be skipped by restore "latest"). "manual" and "scheduled" stay
 * open: they are what people and the system scheduler (`backup --tag scheduled`) write.
 */
export const SYSTEM_TAGS = ['pre-update', 'pre-restore', 'imported', 'event'] as const;
export const systemTagsText = SYSTEM_TAGS.map((t) => `"${t}"`).join(', ');
export const isSystemTag = (tag: string): boolean => (SYSTEM_TAGS as readonly string[]).includes(tag);
/** A tag a person (or a script) may give a backup: the format's rule, without the system tags. */
export const UserBackupTag = BackupTag.refine((t) => !isSystemTag(t), `The tags ${systemTagsText} are set by the app itself; choose another word.`);
/** Typed by a person (or the wizard); never stored by these methods, never echoed back. */
const Passphrase = z.string().min(1).max(1024);

export const TRIGGERS = ['manual', 'scheduled', 'event', 'pre-update', 'pre-restore', 'other'] as const;
export const BackupTrigger = z.enum(TRIGGERS);
export type BackupTrigger = z.infer<typeof BackupTrigger>;

export const SourceSummary = z.object({
  kind: z.enum(['mongo', 'r2', 'files', 'sqlite', 'postgres']),
  name: z.string(),
  entries: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
});
export type SourceSummary = z.infer<typeof SourceSummary>;

/** A restore point as people see it. */
export const RestorePoint = z.object({
  id: SnapshotId,
  createdAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number().nonnegative(),
  tags: z.array(z.string()),
  /** Why it was made, from its tags. */
  trigger: BackupTrigger,
  profile: z.string(),
  hostname: z.string(),
  appVersion: z.string(),
  parent: SnapshotId.nullable(),
  /** 'point-in-time' (MongoDB read at one moment) or 'best-effort' (standalone server). */
  consistency: z.enum(['point-in-time', 'best-effort']),
  consistencyNote: z.string().nullable(),
  /** Everything the restore point holds (bytes before compression). */
  size: z.number().nonnegative(),
  /** Data this backup stored for the first time; the rest was already in the location. */
  newData: z.number().nonnegative(),
  /** What it added to the location on disk (after compression and encryption). */
  storedBytes: z.number().nonnegative(),
  entries: z.number().int().nonnegative(),
  sources: z.array(SourceSummary),
});
export type RestorePoint = z.infer<typeof RestorePoint>;

export const RestorePointList = z.object({
  /** Where the backups are (a folder, or s3://bucket/prefix). */
  location: z.string(),
  encrypted: z.boolean(),
  /** Newest first. Restore points of every profile that uses this location. */
  restorePoints: z.array(RestorePoint),
  /** Restore point files that cannot be read (damaged): shown, never silently hidden. */
  unreadable: z.array(z.object({ id: SnapshotId, message: z.string() })),
});
export type RestorePointList = z.infer<typeof RestorePointList>;

export const RestorePointDetail = RestorePoint.extend({
  location: z.string(),
  /** Number of parts of its file list (each ~4 MiB). */
  manifestParts: z.number().int().nonnegative(),
});
export type RestorePointDetail = z.infer<typeof RestorePointDetail>;

/** The summary a finished backup job keeps (also what `pci-maint backup --json` prints). */
export const BackupSummary = z.object({
  snapshotId: SnapshotId,
  createdAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number(),
  parent: SnapshotId.nullable(),
  tags: z.array(z.string()),
  consistency: z.enum(['point-in-time', 'best-effort']),
  consistencyNote: z.string(),
  location: z.string(),
  /** Things the person should know although the backup succeeded (e.g. a passphrase that was not used). */
  warnings: z.array(z.string()).optional(),
  stats: z.object({
    entries: z.number(),
    bytes: z.number(),
    newBytes: z.number(),
    reusedBytes: z.number(),
    storedBytes: z.number(),
    newBlobs: z.number(),
    durationMs: z.number(),
    sources: z.array(
      SourceSummary.extend({
        newBytes: z.number(),
        downloaded: z.number().optional(),
        reused: z.number().optional(),
        vanished: z.number().optional(),
        /** mongo: documents per collection as backed up. */
        collections: z.array(z.object({ name: z.string(), documents: z.number() })).optional(),
      }),
    ),
  }),
});
export type BackupSummary = z.infer<typeof BackupSummary>;

export const PruneDecision = z.object({
  id: SnapshotId,
  createdAt: z.string(),
  reasons: z.array(z.string()),
  /** The reasons in words, with the rule's number: "kept: event, 90 days; daily, 30 days". */
  why: z.string().optional(),
});

/** The summary a finished prune job keeps. In a dry run nothing was deleted: these are what would be. */
export const PruneSummary = z.object({
  dryRun: z.boolean(),
  aborted: z.boolean(),
  location: z.string(),
  keep: z.array(PruneDecision),
  forget: z.array(PruneDecision),
  /** Restore points of other connections or computers in the same location, left as they are. */
  others: z.number().int().nonnegative().default(0),
  deleteBlobs: z.number().int().nonnegative(),
  keptBlobs: z.number().int().nonnegative(),
  freedBytes: z.number().nonnegative(),
  /** Plain sentences about how the clean-up ran (e.g. that it first made room on a full drive). */
  notes: z.array(z.string()).optional(),
});
export type PruneSummary = z.infer<typeof PruneSummary>;

/** Retention rules (docs/backup-format.md §9); anything left out takes its default. */
export const RetentionInput = z
  .object({
    keepLast: z.number().int().min(0),
    keepDaily: z.number().int().min(0),
    keepWeekly: z.number().int().min(0),
    keepMonthly: z.number().int().min(0),
    keepYearly: z.number().int().min(0),
    keepTaggedDays: z.record(z.string(), z.number().int().min(0)),
  })
  .partial()
  .strict();

const ForProfile = z.object({ profile: ProfileName, passphrase: Passphrase.optional() }).strict();

export const backupMethods = {
  'backup.start': method(
    z
      .object({
        profile: ProfileName,
        tags: z.array(UserBackupTag).max(10).optional(),
        /** An app's event asked for it (its hook runs `pci-maint backup --event`): tagged "event" too. */
        event: z.boolean().optional(),
        passphrase: Passphrase.optional(),
      })
      .strict(),
    Job,
    'Back up the database, the bucket and the configuration folders of a profile; returns the job (tags default to "manual", or "event" for an event).',
  ),
  'snapshots.list': method(ForProfile, RestorePointList, 'The restore points in the backup location of a profile, newest first.'),
  'snapshots.get': method(ForProfile.extend({ id: SnapshotId }).strict(), RestorePointDetail, 'One restore point with its details.'),
  'prune.start': method(
    ForProfile.extend({ dryRun: z.boolean().default(false), retention: RetentionInput.optional() }).strict(),
    Job,
    'Forget restore points the retention rules do not keep and delete data no restore point needs; a dry run only reports. Rules given here win over the saved ones (retention.get) field by field.',
  ),
} as const;
