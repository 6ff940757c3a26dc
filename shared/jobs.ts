// Job shapes shared by core, hosts and the UI (DESIGN §3). Serialisable values only.
import { z } from 'zod';
import { UserErrorData } from './errors';

export const JOB_KINDS = ['backup', 'verify', 'restore', 'consistency', 'bundle', 'prune', 'checklist', 'export', 'import', 'health', 'maintenance', 'plan', 'demo', 'drill'] as const;
export const JobKind = z.enum(JOB_KINDS);
export type JobKind = z.infer<typeof JobKind>;

// 'problems': the job ran to its end and found something wrong (a storage check with missing files, a
// verification that found damage, checks after an update that found a loss). It is neither "all good"
// ('succeeded') nor "could not run" ('failed'), and every place that shows an outcome says so.
// A job starts running at once or not at all (another job holding one of its locks: BUSY, said
// plainly); there is no waiting queue, so there is no 'queued' status. The one exception, an
// event-triggered backup, is 'running' in a phase that says what it waits for.
export const JOB_STATUSES = ['running', 'canceling', 'canceled', 'succeeded', 'problems', 'failed'] as const;
export const JobStatus = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatus>;

export const FINAL_STATUSES: readonly JobStatus[] = ['canceled', 'succeeded', 'problems', 'failed'];
export function isFinal(status: JobStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** A job's outcome in the user's words, the same in the app, the CLI and the notifications. */
export const STATUS_WORDS: Record<JobStatus, string> = {
  running: 'Running',
  canceling: 'Stopping',
  canceled: 'Cancelled',
  succeeded: 'Succeeded',
  problems: 'Found problems',
  failed: 'Failed',
};

export const JobProgress = z.object({
  phase: z.string(),
  done: z.number().nonnegative(),
  total: z.number().nonnegative().nullable(),
  unit: z.string(),
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative().nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
  message: z.string(),
});
export type JobProgress = z.infer<typeof JobProgress>;

/** What an operation reports while it works; the job manager adds the time estimate. */
export type ProgressUpdate = Partial<Omit<JobProgress, 'etaSeconds'>>;

export const JsonValue: z.ZodType<unknown> = z.unknown();

export const Job = z.object({
  id: z.string(),
  kind: JobKind,
  title: z.string(),
  profile: z.string().nullable(),
  status: JobStatus,
  progress: JobProgress,
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  summary: JsonValue.nullable(),
  error: UserErrorData.nullable(),
});
export type Job = z.infer<typeof Job>;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export const LogLevel = z.enum(LOG_LEVELS);
export type LogLevel = z.infer<typeof LogLevel>;

export const JobLogLine = z.object({ at: z.string(), level: LogLevel, message: z.string() });
export type JobLogLine = z.infer<typeof JobLogLine>;

/** The context every core operation receives: cancel signal, progress and a job log. */
export interface OperationContext {
  /** The id of the job this runs as (its history entry); absent outside a job (previews, tests). */
  jobId?: string;
  signal: AbortSignal;
  onProgress: (update: ProgressUpdate) => void;
  log: (level: LogLevel, message: string) => void;
}
