// What each kind of job keeps as its summary, in the contract: the job manager types every summary as
// `unknown` (it holds any job), and this table says what a job of each kind holds, checked at runtime
// so a reader never takes a shape on trust. `summaryOf(job, 'restore')` is a RestoreSummary or null.
import type { z } from 'zod';
import type { Job } from '../jobs';
import { BackupSummary, PruneSummary } from './backup';
import { BundlePreview } from './bundle';
import { ChecklistJobSummary } from './checklist';
import { MaintenanceSummary } from './maintenance';
import { PlanRunSummary } from './plan';
import { RestoreSummary } from './restore';
import { VerifyResult } from './verify';
import { ConsistencyResult } from './check';
import { ExportResult, ImportResult } from './export';
import { DrillResult } from './drill';

export const JOB_SUMMARIES = {
  backup: BackupSummary,
  prune: PruneSummary,
  restore: RestoreSummary,
  verify: VerifyResult,
  consistency: ConsistencyResult,
  export: ExportResult,
  import: ImportResult,
  maintenance: MaintenanceSummary,
  plan: PlanRunSummary,
  checklist: ChecklistJobSummary,
  bundle: BundlePreview,
  drill: DrillResult,
} as const;

export type SummaryKind = keyof typeof JOB_SUMMARIES;
export type JobSummary<K extends SummaryKind> = z.output<(typeof JOB_SUMMARIES)[K]>;

/** A job whose summary is typed by its kind: narrow on `kind` and `summary` follows. */
export type TypedJob = { [K in SummaryKind]: Omit<Job, 'kind' | 'summary'> & { kind: K; summary: JobSummary<K> | null } }[SummaryKind];

/**
 * The summary of `job` when it is a job of `kind` whose summary has the contract's shape; else null
 * (no summary yet, a job of another kind, or — never expected — a summary of another shape).
 */
export function summaryOf<K extends SummaryKind>(job: Pick<Job, 'kind' | 'summary'> | null | undefined, kind: K): JobSummary<K> | null {
  if (!job || job.kind !== kind || job.summary === null || job.summary === undefined) return null;
  const parsed = JOB_SUMMARIES[kind].safeParse(job.summary);
  return parsed.success ? (parsed.data as JobSummary<K>) : null;
}
