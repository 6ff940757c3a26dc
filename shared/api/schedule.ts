// Schedules and notifications of a connection: when backups, verifications and storage checks run by
// themselves, how to run them from the system's scheduler when the app is closed, and who is told
// when something goes wrong.
import { z } from 'zod';
import { ProfileName } from '../profile';
import { method } from './method';

export const SCHEDULE_KINDS = ['backup', 'verify', 'check'] as const;
export const ScheduleKind = z.enum(SCHEDULE_KINDS);
export type ScheduleKind = z.infer<typeof ScheduleKind>;

/** The system schedulers a run can be installed into (for the current user, no admin rights). */
export const OS_METHODS = ['cron', 'systemd', 'schtasks', 'launchd'] as const;
export const OsMethod = z.enum(OS_METHODS);
export type OsMethod = z.infer<typeof OsMethod>;

export const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a time like 02:00.');

/** When a task runs, in the computer's local time. */
export const Timing = z.object({
  enabled: z.boolean(),
  frequency: z.enum(['daily', 'weekly', 'monthly']),
  time: TimeOfDay,
  /** Weekly runs: 0 = Sunday … 6 = Saturday (cron's numbering). */
  weekday: z.number().int().min(0).max(6),
  /** Monthly runs: day 1–28, so every month has it. */
  monthDay: z.number().int().min(1).max(28),
  /** Who starts it: this app while it is open (or in the tray), or the system scheduler it was installed into. */
  runner: z.union([z.literal('app'), OsMethod]),
});
export type Timing = z.infer<typeof Timing>;

export const ProfileSchedules = z.object({
  backup: Timing.extend({ pruneAfter: z.boolean() }),
  verify: Timing.extend({ depth: z.enum(['full', 'sampled']), samplePercent: z.number().min(1).max(100), testRestore: z.boolean() }),
  check: Timing,
});
export type ProfileSchedules = z.infer<typeof ProfileSchedules>;

/** Daily backups at 02:00 and a weekly full verification and storage check on Sunday morning. */
export const DEFAULT_SCHEDULES: ProfileSchedules = {
  backup: { enabled: true, frequency: 'daily', time: '02:00', weekday: 0, monthDay: 1, runner: 'app', pruneAfter: true },
  verify: { enabled: true, frequency: 'weekly', time: '04:00', weekday: 0, monthDay: 1, runner: 'app', depth: 'full', samplePercent: 10, testRestore: false },
  check: { enabled: true, frequency: 'weekly', time: '05:00', weekday: 0, monthDay: 1, runner: 'app' },
};

export const TaskOutcome = z.enum(['started', 'busy', 'skipped', 'error']);
export type TaskOutcome = z.infer<typeof TaskOutcome>;

export const LastScheduledRun = z.object({
  /** When it was due (the planned time). */
  dueAt: z.string(),
  startedAt: z.string(),
  outcome: TaskOutcome,
  /** It ran late, at the next start, because the app was closed or the computer off at the planned time. */
  missed: z.boolean(),
  opId: z.string().nullable(),
  message: z.string(),
});
export type LastScheduledRun = z.infer<typeof LastScheduledRun>;

export const ScheduledTaskState = z.object({
  kind: ScheduleKind,
  /** "Every day at 02:00", "Every Sunday at 04:00", "Off". */
  description: z.string(),
  /** The next planned time, when this app runs it; null when off or run by the system scheduler. */
  nextRunAt: z.string().nullable(),
  lastRun: LastScheduledRun.nullable(),
});
export type ScheduledTaskState = z.infer<typeof ScheduledTaskState>;

export const DesktopOptions = z.object({
  /** Start PCI Maintenance (in the tray) when the user logs in. */
  startAtLogin: z.boolean(),
  /** Closing the window keeps the app in the tray, so schedules keep running. */
  keepRunningInTray: z.boolean(),
});
export type DesktopOptions = z.infer<typeof DesktopOptions>;

export const ScheduleView = z.object({
  profile: z.string(),
  timeZone: z.string(),
  schedules: ProfileSchedules,
  tasks: z.array(ScheduledTaskState),
  /** Whether this process runs schedules (the desktop app and `pci-maint serve` do; a one-off command does not). */
  schedulerRunning: z.boolean(),
  /** Desktop app only. */
  desktop: DesktopOptions.nullable(),
  /** Scheduled kinds that cannot run (their passphrase is not remembered), and why; empty when all can. */
  blocked: z.object({ kinds: z.array(ScheduleKind), message: z.string() }),
});
export type ScheduleView = z.infer<typeof ScheduleView>;

export const OsFile = z.object({ path: z.string(), text: z.string() });
export const OsMethodPlan = z.object({
  method: OsMethod,
  label: z.string(),
  /** Whether the app can install it here for the current user. */
  canInstall: z.boolean(),
  /** Kinds that are installed with this method now. */
  installed: z.array(ScheduleKind),
  /** Files to create (units, plist) and commands to run, exactly: what a person would copy. */
  files: z.array(OsFile),
  commands: z.array(z.string()),
  note: z.string().nullable(),
});
export type OsMethodPlan = z.infer<typeof OsMethodPlan>;

export const OsPlan = z.object({
  profile: z.string(),
  kinds: z.array(ScheduleKind),
  /** The program that runs: node and the pci-maint script, with the data folder. */
  command: z.string(),
  methods: z.array(OsMethodPlan),
  /** Things to know before relying on it (passwords, node path). */
  notes: z.array(z.string()),
});
export type OsPlan = z.infer<typeof OsPlan>;

// ---- notifications ----

export const NotifySettings = z.object({
  desktop: z.object({ onFailure: z.boolean(), onSuccess: z.boolean() }),
  webhook: z.object({ enabled: z.boolean(), format: z.enum(['slack', 'discord', 'teams', 'json']), onSuccess: z.boolean() }),
  email: z.object({
    enabled: z.boolean(),
    host: z.string().max(253),
    port: z.number().int().min(1).max(65535),
    security: z.enum(['tls', 'starttls', 'none']),
    username: z.string().max(320),
    from: z.string().max(320),
    to: z.array(z.string().email()).max(20),
    onSuccess: z.boolean(),
  }),
  /** Warn when no backup succeeded for this many hours; null: the connection's "warn after" setting. */
  overdueHours: z.number().int().min(1).max(24 * 90).nullable(),
});
export type NotifySettings = z.infer<typeof NotifySettings>;

export const DEFAULT_NOTIFY: NotifySettings = {
  desktop: { onFailure: true, onSuccess: false },
  webhook: { enabled: false, format: 'slack', onSuccess: false },
  email: { enabled: false, host: '', port: 587, security: 'starttls', username: '', from: '', to: [], onSuccess: false },
  overdueHours: null,
};

export const NotifyView = z.object({
  profile: z.string(),
  settings: NotifySettings,
  /** The webhook address holds its token: only a masked form leaves core. */
  webhookUrl: z.object({ set: z.boolean(), masked: z.string().nullable() }),
  smtpPassword: z.object({ set: z.boolean() }),
  /** Where those two secrets are kept, for people. */
  secretsWhere: z.string(),
  /** The hours after which "no successful backup" is reported. */
  overdueHours: z.number(),
  /** The last message a channel could not deliver (cleared by the next one that gets through). */
  problems: z.array(z.object({ channel: z.enum(['desktop', 'webhook', 'email']), at: z.string(), message: z.string() })),
});
export type NotifyView = z.infer<typeof NotifyView>;

export const NotifyChannel = z.enum(['desktop', 'webhook', 'email']);
export const NotifyTestResult = z.object({
  results: z.array(z.object({ channel: NotifyChannel, ok: z.boolean(), message: z.string() })),
});
export type NotifyTestResult = z.infer<typeof NotifyTestResult>;

const ForProfile = z.object({ profile: ProfileName }).strict();
const Secret = z.string().min(1).max(4096);

export const scheduleMethods = {
  'schedule.get': method(ForProfile, ScheduleView, 'The schedules of a connection, their next and last runs.'),
  'schedule.set': method(ForProfile.extend({ schedules: ProfileSchedules }).strict(), ScheduleView, 'Change the schedules of a connection.'),
  'schedule.setDesktop': method(DesktopOptions.strict(), DesktopOptions, 'Desktop app: start at login, keep running in the tray.'),
  'schedule.osPlan': method(ForProfile.extend({ kind: ScheduleKind.optional() }).strict(), OsPlan, 'The exact system-scheduler entries (cron, systemd, schtasks, launchd) that run the schedules without the app.'),
  'schedule.osInstall': method(ForProfile.extend({ kind: ScheduleKind.optional(), method: OsMethod }).strict(), OsPlan, 'Install the entries for the current user; the app then leaves those runs to the system.'),
  'schedule.osRemove': method(ForProfile.extend({ kind: ScheduleKind.optional(), method: OsMethod }).strict(), OsPlan, 'Remove the entries again; the app runs the schedules itself.'),
  'notify.get': method(ForProfile, NotifyView, 'Who is told about failures of a connection, secrets masked.'),
  'notify.set': method(
    ForProfile.extend({ settings: NotifySettings, webhookUrl: Secret.url().nullable().optional(), smtpPassword: Secret.nullable().optional() }).strict(),
    NotifyView,
    'Change the notification settings; a secret left out is kept, null forgets it.',
  ),
  'notify.test': method(ForProfile, NotifyTestResult, 'Send a test message on every channel that is switched on.'),
} as const;
