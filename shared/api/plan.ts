// The maintenance plan of a connection: the daily, weekly and monthly items of the plans PCI File
// Manager's admins work from — automated checks (each with a threshold and a plain-words result) and
// guided manual steps signed off with a note — with when each is due and whether it is overdue.
import { z } from 'zod';
import { Job } from '../jobs';
import { ProfileName } from '../profile';
import { method } from './method';
import { TimeOfDay } from './schedule';

/** ok: nothing wrong; info: worth knowing; warning: do something soon; critical: now; not-checked: could not look (says why). */
export const CHECK_LEVELS = ['ok', 'info', 'warning', 'critical', 'not-checked'] as const;
export const CheckLevel = z.enum(CHECK_LEVELS);
export type CheckLevel = z.infer<typeof CheckLevel>;

export const PLAN_FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export const PlanFrequency = z.enum(PLAN_FREQUENCIES);
export type PlanFrequency = z.infer<typeof PlanFrequency>;

export const PlanItemId = z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, 'An item id is lower-case letters, digits and dashes.');

/** What one automated check found. */
export const PlanCheckResult = z.object({
  id: PlanItemId,
  title: z.string(),
  level: CheckLevel,
  /** One sentence ("The app answered in 0.3 s."). */
  summary: z.string(),
  /** More lines for whoever wants them (per collection, per drive…). */
  details: z.array(z.string()),
  /** What to do next, in plain words; null when nothing needs doing. */
  whatToDo: z.string().nullable(),
  /** The numbers behind the result (response time in ms, days to expiry, percent free…). */
  measured: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  at: z.string(),
});
export type PlanCheckResult = z.infer<typeof PlanCheckResult>;

export const SignOff = z.object({ at: z.string(), note: z.string() });
export type SignOff = z.infer<typeof SignOff>;

/** due: do it now; overdue: past its time by more than the grace period; done: not due yet; off: switched off. */
export const PlanItemState = z.enum(['due', 'overdue', 'done', 'off']);
export type PlanItemState = z.infer<typeof PlanItemState>;

export const PlanItem = z.object({
  id: PlanItemId,
  title: z.string(),
  /** What it is for and how to do it (a manual step's instructions). */
  description: z.string(),
  kind: z.enum(['automated', 'manual']),
  frequency: PlanFrequency,
  enabled: z.boolean(),
  state: PlanItemState,
  /** When it is next due; null when it was never done (due now) or is switched off. */
  dueAt: z.string().nullable(),
  /** Its last run (automated) or sign-off (manual). */
  lastDoneAt: z.string().nullable(),
  lastResult: PlanCheckResult.nullable(),
  lastSignOff: SignOff.nullable(),
  /** The app screen that helps with it ('/verify', '/restore', …), or null. */
  route: z.string().nullable(),
});
export type PlanItem = z.infer<typeof PlanItem>;

export const PlanItemSetting = z.object({ enabled: z.boolean().optional(), frequency: PlanFrequency.optional() }).strict();
export type PlanItemSetting = z.infer<typeof PlanItemSetting>;

/** Running the checks that are due once a day, at `time`, while the app (or `pci-maint serve`) runs. */
export const PlanAutoRun = z.object({ enabled: z.boolean(), time: TimeOfDay });
export type PlanAutoRun = z.infer<typeof PlanAutoRun>;

/** A connection's plan settings (kept in plan.json in the data folder, not in the profile). */
export const PlanSettings = z.object({
  /** The app's public address for the certificate check (else the health address when it is https). */
  publicUrl: z.string().url().refine((u) => u.startsWith('https://'), 'The public address must start with https://').nullable(),
  /** Items switched off or moved to another frequency; items not listed keep the plan's defaults. */
  items: z.record(PlanItemId, PlanItemSetting),
  autoRun: PlanAutoRun.default({ enabled: false, time: '06:30' }),
});
export type PlanSettings = z.infer<typeof PlanSettings>;

export const DEFAULT_PLAN_SETTINGS: PlanSettings = { publicUrl: null, items: {}, autoRun: { enabled: false, time: '06:30' } };

export const PlanView = z.object({
  profile: z.string(),
  generatedAt: z.string(),
  items: z.array(PlanItem),
  /** How many items are due or overdue now (the dashboard's badge). */
  dueCount: z.number().int(),
  overdueCount: z.number().int(),
  settings: PlanSettings,
  /** The next daily run of the due checks by this app; null when off or when this process runs no schedules. */
  nextAutoRunAt: z.string().nullable(),
});
export type PlanView = z.infer<typeof PlanView>;

/** The summary a plan run keeps. */
export const PlanRunSummary = z.object({
  profile: z.string(),
  results: z.array(PlanCheckResult),
  /** The worst level found among the checks that ran (not-checked counts below ok). */
  worst: CheckLevel,
});
export type PlanRunSummary = z.infer<typeof PlanRunSummary>;

export const SignOffRecord = SignOff.extend({ item: PlanItemId, title: z.string() });
export type SignOffRecord = z.infer<typeof SignOffRecord>;

const ForProfile = z.object({ profile: ProfileName }).strict();

export const planMethods = {
  'plan.get': method(ForProfile, PlanView, "A connection's maintenance plan: each item, when it is due, its last result or sign-off."),
  'plan.run': method(
    z
      .object({
        profile: ProfileName,
        checks: z.array(PlanItemId).max(50).optional(),
        /** The database verification may block collections on a replica-set primary (asked for, in the maintenance window). */
        allowBlocking: z.boolean().default(false),
      })
      .strict(),
    Job,
    'Run the automated checks of the plan now (all that are switched on, or the ones named), as a job.',
  ),
  'plan.signOff': method(
    z.object({ profile: ProfileName, item: PlanItemId, note: z.string().max(2000).default('') }).strict(),
    PlanView,
    'Mark a manual step of the plan as done, with a note; it is kept in the history.',
  ),
  'plan.signOffs': method(
    z.object({ profile: ProfileName, item: PlanItemId.optional(), limit: z.number().int().min(1).max(500).default(50) }).strict(),
    z.array(SignOffRecord),
    'Past sign-offs of manual steps, newest first.',
  ),
  'plan.settings': method(
    z.object({ profile: ProfileName, publicUrl: PlanSettings.shape.publicUrl.optional(), items: z.record(PlanItemId, PlanItemSetting).optional(), autoRun: PlanAutoRun.optional() }).strict(),
    PlanSettings,
    "Read a connection's plan settings, or change them (switch items off or on, change their frequency, the public address, the daily run of due checks).",
  ),
} as const;
