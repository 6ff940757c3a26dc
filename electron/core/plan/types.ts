// The shape every automated check of the maintenance plan has (one module each under checks/): an id,
// a title in plain words, the frequency the plans give it, and run(ctx) → a PlanCheckResult. What a check
// needs from outside comes through CheckContext, so tests give it real servers, folders and a clock.
import type { CheckLevel, PlanCheckResult, PlanFrequency } from '../../../shared/api/plan';
import type { LogLevel } from '../../../shared/jobs';
import type { Services } from '../services';
import type { MongoHandle } from '../profiles/open';
import type { PlanTargets } from './targets';

/** Measuring CPU and memory: busy and used fractions (0–1) over one sampling interval. */
export type ResourceSampler = () => Promise<{ cpu: number; memory: number }>;

/** Tunables and ports of the checks; every field has a default. */
export interface CheckOptions {
  /** Network checks give up after this (default 10 s: above the 2 s response-time threshold). */
  timeoutMs?: number;
  /** Extra trusted certificate authorities (PEM) besides the system's, for the certificate check. */
  extraCa?: string[];
  /** CPU and memory samples: how many, and the sampler (default: os.cpus() times over 1 s each). */
  resourceSamples?: number;
  resourceSampler?: ResourceSampler;
  /** Pause between collections of the database verification, so a busy server keeps serving. */
  validatePauseMs?: number;
  /** Allow the blocking (foreground) validate on a replica-set primary where background mode is refused. */
  allowBlockingValidate?: boolean;
  /** Free storage a collection must have before compact is worth advising (default 64 MiB). */
  compactMinBytes?: number;
  /** An index unused for this long is worth a look (default 7 days). */
  unusedIndexDays?: number;
}

export interface CheckContext {
  services: Services;
  targets: PlanTargets;
  options: CheckOptions;
  /** The clock (injected in tests). */
  now(): number;
  signal: AbortSignal;
  log(level: LogLevel, message: string): void;
  /** The connection's MongoDB, opened on first use and shared by the checks of one run. */
  mongo(): Promise<MongoHandle>;
}

export interface PlanCheck {
  id: string;
  title: string;
  description: string;
  frequency: PlanFrequency;
  /** The app screen that helps when it finds something. */
  route: string | null;
  run(ctx: CheckContext): Promise<PlanCheckResult>;
}

export interface ResultParts {
  details?: string[];
  whatToDo?: string | null;
  measured?: PlanCheckResult['measured'];
}

/** A result of `check` at the context's time. */
export function result(check: Pick<PlanCheck, 'id' | 'title'>, ctx: Pick<CheckContext, 'now'>, level: CheckLevel, summary: string, parts: ResultParts = {}): PlanCheckResult {
  return { id: check.id, title: check.title, level, summary, details: parts.details ?? [], whatToDo: parts.whatToDo ?? null, measured: parts.measured ?? {}, at: new Date(ctx.now()).toISOString() };
}

const RANK: Record<CheckLevel, number> = { 'not-checked': 0, ok: 1, info: 2, warning: 3, critical: 4 };

export function worstLevel(levels: CheckLevel[]): CheckLevel {
  return levels.reduce<CheckLevel>((w, l) => (RANK[l] > RANK[w] ? l : w), levels.length ? 'not-checked' : 'ok');
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (ms <= 0) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
