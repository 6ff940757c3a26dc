// The health dashboard of one connection: last backup / verification / consistency check from the
// history, live facts from MongoDB, R2 and the backup location, and what to do next.
import { z } from 'zod';
import { UserErrorData } from '../errors';
import { Job, JobStatus } from '../jobs';
import { ProfileName } from '../profile';
import { method } from './method';
import { PassphraseState } from './profiles';
import { ScheduleKind } from './schedule';

/** ok: nothing to do; warn: do something soon; error: something is broken; none: never happened. */
export const HealthState = z.enum(['ok', 'warn', 'error', 'none']);
export type HealthState = z.infer<typeof HealthState>;

/** A past operation as a card shows it. */
export const LastRun = z.object({
  state: HealthState,
  /** One sentence for the card ("2 hours ago, succeeded", "No backup has been made yet."). */
  message: z.string(),
  at: z.string().nullable(),
  status: JobStatus.nullable(),
  ageHours: z.number().nullable(),
  error: UserErrorData.nullable(),
});
export type LastRun = z.infer<typeof LastRun>;

/** Today's numbers against an earlier moment (the last good backup, the pre-update baseline). */
export const CountComparison = z.object({
  against: z.enum(['backup', 'baseline']),
  /** When the earlier numbers were taken. */
  at: z.string(),
  /** One sentence: "At the last backup: 1,740 documents; now 1,665 (75 fewer (−4 %))." */
  summary: z.string(),
  /** What went down or away, one sentence each ("“files”: 832 fewer documents …"). */
  changes: z.array(z.string()),
  /** A collection gone, or clearly fewer documents or files: the card says "Needs attention". */
  loss: z.boolean(),
});
export type CountComparison = z.infer<typeof CountComparison>;

export const MongoHealth = z.object({
  state: HealthState,
  database: z.string(),
  version: z.string().nullable(),
  sizeBytes: z.number().nullable(),
  collections: z.number().nullable(),
  documents: z.number().nullable(),
  comparisons: z.array(CountComparison),
  error: UserErrorData.nullable(),
});
export type MongoHealth = z.infer<typeof MongoHealth>;

export const R2Health = z.object({
  state: HealthState,
  bucket: z.string(),
  reachable: z.boolean(),
  /** From the last count of the bucket (a job; kept in the data folder), null before the first. */
  objects: z.number().nullable(),
  totalBytes: z.number().nullable(),
  countedAt: z.string().nullable(),
  /** The id of a count that is running now. */
  countJobId: z.string().nullable(),
  comparisons: z.array(CountComparison),
  error: UserErrorData.nullable(),
});
export type R2Health = z.infer<typeof R2Health>;

export const DestinationHealth = z.object({
  state: HealthState,
  describe: z.string(),
  freeBytes: z.number().nullable(),
  totalBytes: z.number().nullable(),
  estimatedNextBackupBytes: z.number().nullable(),
  /**
   * true: the estimate is the most the next backup could add, not what it usually adds (after only
   * the first backup nothing says how much changes; a second backup stores only what changed).
   */
  estimateIsUpperBound: z.boolean().default(false),
  message: z.string(),
  error: UserErrorData.nullable(),
});
export type DestinationHealth = z.infer<typeof DestinationHealth>;

export const HealthAction = z.object({
  id: z.string(),
  severity: z.enum(['info', 'warn', 'error']),
  text: z.string(),
  /** The app screen that does it ('/backup', '/settings', …). */
  route: z.string().nullable(),
});
export type HealthAction = z.infer<typeof HealthAction>;

/** One point of the "backups over time" chart. */
export const BackupPoint = z.object({
  at: z.string(),
  status: JobStatus,
  bytes: z.number().nullable(),
  newBytes: z.number().nullable(),
  durationSeconds: z.number().nullable(),
});
export type BackupPoint = z.infer<typeof BackupPoint>;

/** Whether scheduled runs can open the backups (see profiles.passphraseState), and which are blocked. */
export const PassphraseHealth = PassphraseState.extend({ blockedSchedules: z.array(ScheduleKind), blockedMessage: z.string() });
export type PassphraseHealth = z.infer<typeof PassphraseHealth>;

/** Could this connection be recovered right now, and how fast (restore drills and test restores). */
export const RecoveryLight = z.enum(['green', 'amber', 'red']);
export const RecoveryHealth = z.object({
  /** The targets: longest acceptable full recovery, and most change that may be lost. */
  rtoSeconds: z.number(),
  rpoSeconds: z.number(),
  /** The moment the newest restore point proven restorable describes (its own date, not the check's). */
  provenRestorableAt: z.string().nullable(),
  provenBy: z.enum(['drill', 'test-restore']).nullable(),
  provenCheckedAt: z.string().nullable(),
  /** What would be lost if everything were gone now. */
  lossSeconds: z.number().nullable(),
  rpo: RecoveryLight,
  /** A full recovery's projected time, from the newest successful drill. */
  recoverySeconds: z.number().nullable(),
  recoverySampled: z.boolean(),
  lastDrillAt: z.string().nullable(),
  rto: RecoveryLight,
  overall: RecoveryLight,
  advice: z.array(z.object({ id: z.string(), text: z.string() })),
});
export type RecoveryHealth = z.infer<typeof RecoveryHealth>;

export const HealthReport = z.object({
  profile: z.string(),
  generatedAt: z.string(),
  backupMaxAgeHours: z.number(),
  lastBackup: LastRun,
  lastVerify: LastRun,
  consistency: LastRun,
  /** null: the connection has no MongoDB database (e.g. a SQLite app). */
  mongo: MongoHealth.nullable(),
  /** null: the connection has no bucket. */
  r2: R2Health.nullable(),
  destination: DestinationHealth,
  passphrase: PassphraseHealth,
  recovery: RecoveryHealth,
  actions: z.array(HealthAction),
  backups: z.array(BackupPoint),
});
export type HealthReport = z.infer<typeof HealthReport>;

const ForProfile = z.object({ profile: ProfileName }).strict();

export const healthMethods = {
  'health.get': method(ForProfile, HealthReport, 'The health of one connection: backups, MongoDB, R2, backup location, what to do next.'),
  'health.countBucket': method(ForProfile, Job, 'Count the files of the R2 bucket (a job with progress); the dashboard keeps the result.'),
} as const;
