// Restore drills (shared/api): a restore point brought back into scratch places, checked, timed, and
// removed again; the figures behind "Last proven restorable" and the projected recovery time.
import { z } from 'zod';
import { Job } from '../jobs';
import { ProfileName } from '../profile';
import { SnapshotId } from './ids';
import { VerifyProblem } from './verify';
import { method } from './method';

const Passphrase = z.string().min(1).max(1024);

export const DRILL_PARTS = ['database', 'files', 'folders'] as const;
export const DrillPart = z.enum(DRILL_PARTS);
export type DrillPart = z.infer<typeof DrillPart>;

export const DrillPartResult = z.object({
  part: DrillPart,
  /** What the restore point holds of this part. */
  items: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  /** What the drill brought back (less than the above with a sample). */
  writtenItems: z.number().int().nonnegative(),
  writtenBytes: z.number().nonnegative(),
  seconds: z.number().nonnegative(),
  /** The time of the whole part; equal to `seconds` when nothing was left out. */
  projectedSeconds: z.number().nonnegative(),
});
export type DrillPartResult = z.infer<typeof DrillPartResult>;

export const DrillResult = z.object({
  /** Ran to its end and found nothing wrong. */
  ok: z.boolean(),
  snapshotId: SnapshotId,
  snapshotCreatedAt: z.string(),
  samplePercent: z.number(),
  parts: z.array(DrillPartResult),
  measuredSeconds: z.number().nonnegative(),
  /** How long a full recovery would take, from what was measured. */
  projectedSeconds: z.number().nonnegative(),
  /** Some part was projected from a sample. */
  sampled: z.boolean(),
  problems: z.array(VerifyProblem),
  problemCount: z.number().int().nonnegative(),
  /** Plain sentences about how the drill ran (what it did not measure, leftovers removed). */
  notes: z.array(z.string()),
});
export type DrillResult = z.infer<typeof DrillResult>;

export const DrillRequest = z
  .object({
    profile: ProfileName,
    snapshot: z.union([SnapshotId, z.literal('latest')]).default('latest'),
    /** Percent of the bucket's objects and the folders' files to bring back (the rest is projected). */
    samplePercent: z.number().min(1).max(100).default(100),
    passphrase: Passphrase.optional(),
  })
  .strict();

export const drillMethods = {
  'drill.start': method(
    DrillRequest,
    Job,
    'Run a restore drill (a job): the restore point into scratch collections and a scratch folder, checked, timed and removed again; the summary projects the full recovery time.',
  ),
  'drill.report': method(
    z.object({ profile: ProfileName }).strict(),
    z.object({ fileName: z.string(), html: z.string() }),
    'The restore drills of a connection as a printable HTML page: the recovery figures against the targets, every recent drill, the trend of the recovery time.',
  ),
} as const;
