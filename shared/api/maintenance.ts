// Maintenance of PCI Maintenance itself: its logs, temporary files, stale locks, leftovers of
// interrupted restores and old history; the rotation of each connected app's own log files; plus
// the analysis of PCI File Manager's own log folder.
import { z } from 'zod';
import { Job } from '../jobs';
import { ProfileName } from '../profile';
import { method } from './method';
import { TimeOfDay } from './schedule';

export const MAINTENANCE_TASKS = ['logs', 'rotate-logs', 'tmp', 'locks', 'restore-leftovers', 'history'] as const;
export const MaintenanceTaskId = z.enum(MAINTENANCE_TASKS);
export type MaintenanceTaskId = z.infer<typeof MaintenanceTaskId>;

export const MaintenanceSettings = z.object({
  /** Run every task once a day at `time` while the app (or `pci-maint serve`) runs. */
  enabled: z.boolean(),
  time: TimeOfDay,
  /** Compressed log archives older than this are deleted. */
  logRetentionDays: z.number().int().min(1).max(365),
  /** History entries older than this are deleted (then the file is compacted). */
  historyRetentionDays: z.number().int().min(7).max(3650),
  /** Files in the data folder's tmp/ older than this are deleted. */
  tmpMaxAgeHours: z.number().int().min(1).max(24 * 30),
  /** PCI File Manager's own log folder, per connection, for the log analysis. */
  logFolders: z.record(z.string(), z.string().min(1).max(4096)),
});
export type MaintenanceSettings = z.infer<typeof MaintenanceSettings>;

export const DEFAULT_MAINTENANCE: MaintenanceSettings = {
  enabled: true,
  time: '01:00',
  logRetentionDays: 7,
  historyRetentionDays: 365,
  tmpMaxAgeHours: 24,
  logFolders: {},
};

export const MaintenanceTaskView = z.object({
  id: MaintenanceTaskId,
  title: z.string(),
  description: z.string(),
  lastRun: z
    .object({
      at: z.string(),
      ok: z.boolean(),
      opId: z.string().nullable(),
      /** What it did, in one sentence ("Compressed 2 log files; deleted 1 archive older than 7 days."). */
      did: z.string(),
    })
    .nullable(),
});
export type MaintenanceTaskView = z.infer<typeof MaintenanceTaskView>;

export const MaintenanceOverview = z.object({
  tasks: z.array(MaintenanceTaskView),
  settings: MaintenanceSettings,
  /** The next daily run by this app; null when off or when this process runs no schedules. */
  nextRunAt: z.string().nullable(),
  /** Log folder and files of PCI Maintenance itself. */
  logsFolder: z.string(),
});
export type MaintenanceOverview = z.infer<typeof MaintenanceOverview>;

/** The summary a maintenance job keeps. */
export const MaintenanceSummary = z.object({
  tasks: z.array(z.object({ task: MaintenanceTaskId, ok: z.boolean(), did: z.string() })),
});
export type MaintenanceSummary = z.infer<typeof MaintenanceSummary>;

export const LogAnalysis = z.object({
  folder: z.string(),
  files: z.number().int(),
  lines: z.number().int(),
  /** The days covered (local dates, oldest first), each with its errors and warnings. */
  days: z.array(z.object({ date: z.string(), errors: z.number().int(), warnings: z.number().int() })),
  /** The most repeated error and warning messages, numbers and ids replaced by placeholders. */
  top: z.array(z.object({ level: z.enum(['error', 'warn']), message: z.string(), count: z.number().int(), lastAt: z.string().nullable() })),
  /** Files that could not be read, with why. */
  skipped: z.array(z.object({ file: z.string(), reason: z.string() })),
  analyzedAt: z.string(),
});
export type LogAnalysis = z.infer<typeof LogAnalysis>;

const Empty = z.object({}).strict();

export const maintenanceMethods = {
  'maintenance.overview': method(Empty, MaintenanceOverview, 'Each maintenance task, when it last ran and what it did, and the settings.'),
  'maintenance.run': method(z.object({ task: z.union([MaintenanceTaskId, z.literal('all')]) }).strict(), Job, 'Run one maintenance task (or all) now, as a job.'),
  'maintenance.setSettings': method(MaintenanceSettings.partial().strict(), MaintenanceOverview, 'Change the maintenance settings; anything left out is kept.'),
  'maintenance.analyzeLogs': method(
    z.object({ profile: ProfileName, days: z.number().int().min(1).max(365).default(30) }).strict(),
    LogAnalysis,
    "Errors and warnings per day and the most repeated messages in PCI File Manager's log folder.",
  ),
} as const;
