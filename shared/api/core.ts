// Core methods: the app itself, jobs and history.
import { z } from 'zod';
import { Job, JobKind, JobLogLine, JobStatus } from '../jobs';
import { UserErrorData } from '../errors';
import { method } from './method';

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  dataFolder: z.string(),
  platform: z.string(),
  arch: z.string(),
  nodeVersion: z.string(),
  mode: z.enum(['desktop', 'browser', 'cli']),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const HistoryItem = z.object({
  id: z.string(),
  kind: JobKind,
  title: z.string(),
  status: JobStatus,
  profile: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  summary: z.unknown().nullable(),
  error: UserErrorData.nullable(),
});
export type HistoryItem = z.infer<typeof HistoryItem>;

export const HistoryDetail = HistoryItem.extend({
  log: z.array(JobLogLine),
  logDropped: z.number().int().nonnegative(),
});
export type HistoryDetail = z.infer<typeof HistoryDetail>;

export const HistoryQuery = z.object({
  limit: z.number().int().min(1).max(200).default(50),
  offset: z.number().int().min(0).default(0),
  kind: JobKind.optional(),
  /** One status, or several (e.g. ['succeeded', 'problems']: every run that went to its end). */
  status: z.union([JobStatus, z.array(JobStatus).min(1).max(JobStatus.options.length)]).optional(),
  profile: z.string().max(200).optional(),
});
export type HistoryQuery = z.input<typeof HistoryQuery>;

export const HistoryPage = z.object({ total: z.number().int(), items: z.array(HistoryItem) });
export type HistoryPage = z.infer<typeof HistoryPage>;

const Empty = z.object({}).strict();
const JobId = z.object({ id: z.string().min(1).max(100) }).strict();

export const coreMethods = {
  'app.info': method(Empty, AppInfo, 'Version, data folder and platform of this installation.'),
  'jobs.list': method(Empty, z.array(Job), 'Jobs of this session, running and finished.'),
  'jobs.get': method(JobId, Job, 'One job with its progress.'),
  'jobs.cancel': method(JobId, Job, 'Ask a running job to stop; it ends as "canceled".'),
  'history.list': method(HistoryQuery.strict(), HistoryPage, 'Past operations, newest first, paged and filtered.'),
  'history.get': method(JobId, HistoryDetail, 'One past operation with its log.'),
} as const;

