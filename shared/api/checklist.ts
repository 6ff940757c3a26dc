// The pre-update checklist (before and after a manual upgrade of PCI File Manager): automated checks,
// manual confirmations, the baseline the after-checks compare with, and the update record that keeps it
// all. `readiness` is shared so the wizard and core agree on when "Ready to update" is allowed.
import { z } from 'zod';
import { ErrorCode } from '../errors';
import { Job } from '../jobs';
import { ProfileName } from '../profile';
import { SnapshotId } from './ids';
import { method } from './method';

const Passphrase = z.string().min(1).max(1024);
const RecordId = z.string().min(1).max(100);
const Version = z.string().trim().min(1).max(100);

/** skipped: an optional check that was not asked for (or could not apply); it never blocks. */
export const ChecklistStatus = z.enum(['pass', 'warn', 'fail', 'skipped']);
export type ChecklistStatus = z.infer<typeof ChecklistStatus>;

/** A button next to a check that fixes (or answers) it. */
export const ChecklistAction = z.enum(['backup', 'rollback', 'settings']);
export type ChecklistAction = z.infer<typeof ChecklistAction>;

export const ChecklistCheck = z.object({
  id: z.string(),
  label: z.string(),
  status: ChecklistStatus,
  message: z.string(),
  /** What to do next ('' when nothing). */
  hint: z.string(),
  action: ChecklistAction.nullable(),
  code: ErrorCode.optional(),
  details: z.string().optional(),
});
export type ChecklistCheck = z.infer<typeof ChecklistCheck>;

export const CollectionFacts = z.object({ name: z.string(), documents: z.number().nonnegative(), bytes: z.number().nonnegative() });
export type CollectionFacts = z.infer<typeof CollectionFacts>;

/** What the database and the bucket looked like before the update. */
export const Baseline = z.object({
  takenAt: z.string(),
  mongo: z
    .object({
      database: z.string(),
      version: z.string().nullable(),
      featureCompatibilityVersion: z.string().nullable(),
      collections: z.array(CollectionFacts),
      documents: z.number(),
      bytes: z.number(),
    })
    .nullable(),
  r2: z.object({ bucket: z.string(), objects: z.number(), bytes: z.number() }).nullable(),
  /** The storage check of the before-run: how many files were missing (and which, when the list is complete). */
  consistency: z.object({ opId: z.string().nullable(), missing: z.number(), missingKeys: z.array(z.string()), complete: z.boolean() }).nullable(),
});
export type Baseline = z.infer<typeof Baseline>;

export const ChecklistRun = z.object({
  ranAt: z.string(),
  checks: z.array(ChecklistCheck),
});
export type ChecklistRun = z.infer<typeof ChecklistRun>;

export const CONFIRMATIONS = [
  { id: 'releaseNotes', label: 'I have read the release notes of the new version.' },
  { id: 'usersTold', label: 'I have told the users that PCI File Manager will be unavailable for a while.' },
  { id: 'window', label: 'I have chosen a maintenance window: a time when nobody needs PCI File Manager.' },
  { id: 'stopped', label: 'PCI File Manager is stopped.' },
  { id: 'downloaded', label: 'The new version is downloaded and ready to install.' },
] as const;
export type ConfirmationId = (typeof CONFIRMATIONS)[number]['id'];
export const ConfirmationId = z.enum(CONFIRMATIONS.map((c) => c.id) as [ConfirmationId, ...ConfirmationId[]]);

/** preparing: before-checks; updating: declared ready, waiting for the after-checks; finished / abandoned: closed. */
export const UpdateStatus = z.enum(['preparing', 'updating', 'finished', 'abandoned']);
export type UpdateStatus = z.infer<typeof UpdateStatus>;

/** What happened after the update, in order: each run of the after-checks and each rollback. */
export const UpdateEvent = z.object({
  at: z.string(),
  kind: z.enum(['after-checks', 'rollback']),
  ok: z.boolean(),
  /** One plain sentence ("Problems found: Files in R2.", "Rolled back to the restore point of …"). */
  message: z.string(),
  /** The history entry (the restore job of a rollback); null when not known. */
  opId: z.string().nullable(),
  /** after-checks: the version PCI File Manager reported then. */
  version: z.string().nullable().optional(),
});
export type UpdateEvent = z.infer<typeof UpdateEvent>;

export const UpdateRecord = z.object({
  id: RecordId,
  profile: z.string(),
  status: UpdateStatus,
  fromVersion: z.string().nullable(),
  toVersion: z.string().nullable(),
  /** The restore point taken (or found) before the update: what "Roll back" selects. */
  snapshotId: SnapshotId.nullable(),
  createdAt: z.string(),
  readyAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  before: ChecklistRun.nullable(),
  baseline: Baseline.nullable(),
  after: ChecklistRun.nullable(),
  confirmations: z.partialRecord(ConfirmationId, z.boolean()),
  /** Warnings a person accepted, by check id, with the message they saw (a changed warning asks again). */
  acknowledged: z.record(z.string(), z.string()),
  notes: z.string(),
  /** After the after-checks: ok, problems found, or (checks passed after a rollback) rolled back. */
  outcome: z.enum(['ok', 'problems', 'rolled-back']).nullable(),
  events: z.array(UpdateEvent),
});
export type UpdateRecord = z.infer<typeof UpdateRecord>;

/** The summary of a checklist job (kept in history with the job). */
export const ChecklistJobSummary = z.object({
  recordId: RecordId,
  phase: z.enum(['before', 'after', 'backup', 'quiet']),
  ok: z.boolean(),
  checks: z.array(ChecklistCheck),
});
export type ChecklistJobSummary = z.infer<typeof ChecklistJobSummary>;

/** The checks are trusted for this long; older results must be run again before "Ready to update". */
export const CHECKS_VALID_HOURS = 24;

export interface Readiness {
  ready: boolean;
  /** What still stands in the way, in plain words (empty when ready). */
  blockers: string[];
}

/** May the person press "Ready to update"? Pure, so the wizard and core decide the same way. */
export function readiness(record: Pick<UpdateRecord, 'before' | 'confirmations' | 'acknowledged'>, now = Date.now()): Readiness {
  const blockers: string[] = [];
  const run = record.before;
  if (!run) blockers.push('Run the checks.');
  else {
    if (now - Date.parse(run.ranAt) > CHECKS_VALID_HOURS * 3_600_000) blockers.push('The checks are more than a day old: run them again.');
    for (const c of run.checks) {
      if (c.status === 'fail') blockers.push(`“${c.label}” did not pass. ${c.hint}`.trim());
      if (c.status === 'warn' && record.acknowledged[c.id] !== c.message) blockers.push(`Read and accept the warning “${c.label}”.`);
    }
  }
  for (const c of CONFIRMATIONS) if (!record.confirmations[c.id]) blockers.push(`Confirm: ${c.label}`);
  return { ready: blockers.length === 0, blockers };
}

const ForProfile = z.object({ profile: ProfileName }).strict();
const ForRecord = z.object({ id: RecordId }).strict();

export const ChecklistBeforeInput = z
  .object({
    id: RecordId,
    /** Typed by the person; otherwise read from the profile's version file. */
    fromVersion: Version.optional(),
    /** Also wait this long for "no writes to the database" (0: skip that optional check). */
    quietSeconds: z.number().min(0).max(600).default(0),
    passphrase: Passphrase.optional(),
  })
  .strict();

export const checklistMethods = {
  'checklist.current': method(ForProfile, UpdateRecord.nullable(), 'The open update of a profile (being prepared or waiting for the after-checks), if any.'),
  'checklist.list': method(z.object({ profile: ProfileName.optional(), limit: z.number().int().min(1).max(100).default(20) }).strict(), z.array(UpdateRecord), 'Update records, newest first.'),
  'checklist.get': method(ForRecord, UpdateRecord, 'One update record.'),
  'checklist.start': method(ForProfile, UpdateRecord, 'Open an update record for a profile (or return the one already open).'),
  'checklist.runBefore': method(ChecklistBeforeInput, Job, 'Run the automated before-checks and record the baseline (a job).'),
  'checklist.prepareBackup': method(z.object({ id: RecordId, passphrase: Passphrase.optional() }).strict(), Job, 'Back up (tagged pre-update) and verify that backup, as one job.'),
  'checklist.quiet': method(z.object({ id: RecordId, seconds: z.number().min(1).max(600).default(30) }).strict(), Job, 'Watch the database for writes for a while (PCI File Manager should be stopped).'),
  'checklist.update': method(
    z
      .object({
        id: RecordId,
        fromVersion: Version.nullable().optional(),
        toVersion: Version.nullable().optional(),
        confirmations: z.partialRecord(ConfirmationId, z.boolean()).optional(),
        acknowledge: z.array(z.string().max(100)).max(50).optional(),
        notes: z.string().max(20_000).optional(),
      })
      .strict(),
    UpdateRecord,
    'Save versions, confirmations, accepted warnings or notes of an update record.',
  ),
  'checklist.ready': method(ForRecord, UpdateRecord, 'Declare the update ready: the baseline is kept and the after-checks are expected next.'),
  'checklist.runAfter': method(z.object({ id: RecordId, toVersion: Version.optional() }).strict(), Job, 'Run the after-checks against the baseline (a job).'),
  'checklist.finish': method(z.object({ id: RecordId, notes: z.string().max(20_000).optional() }).strict(), UpdateRecord, 'Close the update record.'),
  'checklist.abandon': method(ForRecord, UpdateRecord, 'Give up this update (the record is kept).'),
  'checklist.report': method(ForRecord, z.object({ fileName: z.string(), html: z.string() }), 'The update record as a printable HTML page.'),
  'checklist.setAppSettings': method(
    z.object({ profile: ProfileName, healthUrl: z.string().url().max(2000).nullable(), versionFile: z.string().min(1).max(4096).nullable() }).strict(),
    z.object({ healthUrl: z.string().nullable(), versionFile: z.string().nullable() }),
    "Save PCI File Manager's health address and version file for a profile.",
  ),
} as const;
