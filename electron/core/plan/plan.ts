// The maintenance plan of a connection: its items with their state (due, overdue, done, off) on an
// injected clock, running the automated checks (a job: the button, the CLI and a schedule start the same
// spec), and signing manual steps off. Results and sign-offs go to the history; settings to plan.json.
import type { PlanCheckResult, PlanItem, PlanRunSummary, PlanView } from '../../../shared/api/plan';
import { toUserErrorData, userError } from '../../../shared/errors';
import type { Job, OperationContext } from '../../../shared/jobs';
import type { Services } from '../services';
import type { JobSpec } from '../jobs/manager';
import { openProfile, type OpenedProfile } from '../profiles/open';
import { PLAN_CATALOG, catalogItem } from './catalog';
import { PLAN_CHECKS } from './checks';
import { itemState } from './due';
import { readPlanSettings } from './settings';
import { lastResults, lastSignOffs, recordResult, recordSignOff } from './store';
import { planTargets } from './targets';
import { plural, result, worstLevel, type CheckContext, type CheckOptions } from './types';

export interface PlanClock {
  now?: () => number;
}

export function planView(services: Services, name: string, clock: PlanClock = {}): PlanView {
  const profile = services.profiles.get(name);
  const now = (clock.now ?? Date.now)();
  const settings = readPlanSettings(services, profile.name);
  const results = lastResults(services, profile.name);
  const signOffs = lastSignOffs(services, profile.name);
  const items: PlanItem[] = PLAN_CATALOG.map((c) => {
    const own = settings.items[c.id] ?? {};
    const enabled = own.enabled ?? true;
    const frequency = own.frequency ?? c.frequency;
    const lastResult = results.get(c.id) ?? null;
    const lastSignOff = signOffs.get(c.id) ?? null;
    const lastDoneAt = c.kind === 'automated' ? (lastResult?.at ?? null) : (lastSignOff?.at ?? null);
    const { state, dueAt } = itemState({ enabled, frequency, now, lastDone: lastDoneAt === null ? null : Date.parse(lastDoneAt) });
    return { id: c.id, title: c.title, description: c.description, kind: c.kind, frequency, enabled, state, dueAt: dueAt === null ? null : new Date(dueAt).toISOString(), lastDoneAt, lastResult, lastSignOff, route: c.route };
  });
  return {
    profile: profile.name,
    generatedAt: new Date(now).toISOString(),
    items,
    dueCount: items.filter((i) => i.state === 'due' || i.state === 'overdue').length,
    overdueCount: items.filter((i) => i.state === 'overdue').length,
    settings,
    nextAutoRunAt: null, // the automation's to say (plan-handlers)
  };
}

export interface RunOptions extends PlanClock {
  /** Only these checks (ids); default every automated check switched on. */
  checks?: string[];
  /** Only the checks that are due or overdue now (the daily run). */
  dueOnly?: boolean;
  checkOptions?: CheckOptions;
}

function selectedChecks(services: Services, profile: string, ids: string[] | undefined, due?: Set<string>) {
  if (ids?.length) {
    return ids.map((id) => {
      const check = PLAN_CHECKS.find((c) => c.id === id);
      if (!check) {
        const manual = catalogItem(id);
        throw userError('INVALID_INPUT', 'Not an automated check', manual ? `"${manual.title}" is a manual step: sign it off when you have done it.` : `The maintenance plan has no check "${id}".`, 'Run "pci-maint plan --profile NAME" to see the checks and their ids.');
      }
      return check;
    });
  }
  const settings = readPlanSettings(services, profile);
  return PLAN_CHECKS.filter((c) => settings.items[c.id]?.enabled !== false && (!due || due.has(c.id)));
}

function dueNow(services: Services, profile: string, options: RunOptions): Set<string> | undefined {
  if (!options.dueOnly) return undefined;
  return new Set(planView(services, profile, options).items.filter((i) => i.state === 'due' || i.state === 'overdue').map((i) => i.id));
}

export async function runPlanChecks(services: Services, name: string, ctx: Pick<OperationContext, 'signal' | 'log' | 'onProgress' | 'jobId'>, options: RunOptions = {}): Promise<PlanRunSummary> {
  const profile = services.profiles.get(name);
  const now = options.now ?? Date.now;
  const checks = selectedChecks(services, profile.name, options.checks, dueNow(services, profile.name, options));
  const targets = planTargets(services, profile, readPlanSettings(services, profile.name));
  let opened: Promise<OpenedProfile<{ mongo: true; timeoutMs: number }>> | null = null;
  const checkCtx: CheckContext = {
    services,
    targets,
    options: options.checkOptions ?? {},
    now,
    signal: ctx.signal,
    log: ctx.log,
    mongo: async () => (await (opened ??= openProfile(services, profile, { mongo: true, timeoutMs: options.checkOptions?.timeoutMs ?? 10_000 }))).mongo,
  };
  const results: PlanCheckResult[] = [];
  try {
    for (const [i, check] of checks.entries()) {
      ctx.signal.throwIfAborted();
      ctx.onProgress({ phase: check.title, done: i, total: checks.length, unit: 'checks' });
      let r: PlanCheckResult;
      try {
        r = await check.run(checkCtx);
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        const e = toUserErrorData(err);
        if (e.code === 'INTERNAL') services.log.scope('plan').error(`check ${check.id} failed:`, err);
        r = result(check, checkCtx, 'not-checked', `Could not finish: ${e.message}`, { whatToDo: e.hint });
      }
      r = { ...r, summary: services.secrets.redact(r.summary), details: r.details.map((d) => services.secrets.redact(d)) };
      ctx.log(r.level === 'critical' || r.level === 'warning' ? 'warn' : 'info', `${check.title}: ${r.summary}`);
      recordResult(services, profile.name, r, ctx.jobId ?? null);
      results.push(r);
    }
  } finally {
    if (opened) await (await (opened as Promise<OpenedProfile>).catch(() => null))?.close();
  }
  ctx.onProgress({ phase: 'Done', done: checks.length, total: checks.length, unit: 'checks' });
  return { profile: profile.name, results, worst: worstLevel(results.map((r) => r.level)) };
}

/** What a run found, as the job's finding: a warning or critical result makes the run "found problems". */
export function planFindings(s: PlanRunSummary) {
  const bad = s.results.filter((r) => r.level === 'warning' || r.level === 'critical');
  if (bad.length === 0) return null;
  return userError('PROBLEMS_FOUND', 'Problems found', `${plural(bad.length, 'check')} found something to do: ${bad.map((r) => r.title.toLowerCase()).join(', ')}.`, bad[0].whatToDo ?? 'Open the maintenance plan to see what to do.');
}

export function planJob(services: Services, name: string, options: RunOptions = {}): JobSpec<PlanRunSummary> {
  const profile = services.profiles.get(name);
  selectedChecks(services, profile.name, options.checks); // an unknown id fails now, not inside the job
  const one = options.checks?.length === 1 ? PLAN_CHECKS.find((c) => c.id === options.checks![0]) : undefined;
  return {
    kind: 'plan',
    title: one ? `Plan check: ${one.title.toLowerCase()}` : options.dueOnly ? 'Maintenance plan checks that are due' : 'Maintenance plan checks',
    profile: profile.name,
    locks: [`plan:${profile.name}`],
    run: (ctx) => runPlanChecks(services, profile.name, ctx, options),
    findings: planFindings,
  };
}

export function startPlanJob(services: Services, name: string, checks?: string[], allowBlocking = false): Job {
  return services.jobs.start(planJob(services, name, { checks, checkOptions: { allowBlockingValidate: allowBlocking } }));
}

export function signOffStep(services: Services, name: string, item: string, note: string, clock: PlanClock = {}): PlanView {
  const profile = services.profiles.get(name);
  const step = catalogItem(item);
  if (!step) throw userError('INVALID_INPUT', 'Unknown plan item', `The maintenance plan has no item "${item}".`, 'Pick a step from the plan.');
  if (step.kind !== 'manual') throw userError('INVALID_INPUT', 'Not a manual step', `"${step.title}" is checked by the app itself: run it instead of signing it off.`, 'Use "Run now" on that check.');
  const at = new Date((clock.now ?? Date.now)()).toISOString();
  recordSignOff(services, profile.name, step.id, { at, note: services.secrets.redact(note.trim()) });
  services.log.scope('plan').info(`"${profile.name}": signed off "${step.title}"`);
  return planView(services, profile.name, clock);
}
