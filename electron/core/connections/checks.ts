// "Test connection" building blocks: a list of checks, each pass / warn / fail with plain words.
// A group of checks stops at its first failure — later checks of that group could only repeat it
// ("cannot sign in" makes "can read" meaningless), so they are left out rather than shown as noise.
import type { CheckReport, CheckResult } from '../../../shared/api/profiles';
import { toUserErrorData, type UserError } from '../../../shared/errors';

export interface CheckOptions {
  /** How long one network step may take before it counts as "no answer" (default 8 s). */
  timeoutMs?: number;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 8000;

export class CheckList {
  readonly checks: CheckResult[] = [];

  pass(id: string, label: string, message: string): void {
    this.checks.push({ id, label, status: 'pass', message, hint: '' });
  }

  warn(id: string, label: string, message: string, hint: string, code?: CheckResult['code']): void {
    this.checks.push({ id, label, status: 'warn', message, hint, ...(code ? { code } : {}) });
  }

  /** Record a failure from any error (UserErrors keep their words; anything else is INTERNAL). */
  fail(id: string, label: string, err: UserError | unknown): void {
    const data = toUserErrorData(err);
    this.checks.push({ id, label, status: 'fail', message: data.message, hint: data.hint, code: data.code, ...(data.details ? { details: data.details } : {}) });
  }

  warnFrom(id: string, label: string, err: unknown, message?: string): void {
    const data = toUserErrorData(err);
    this.checks.push({ id, label, status: 'warn', message: message ?? data.message, hint: data.hint, code: data.code, ...(data.details ? { details: data.details } : {}) });
  }

  get failed(): boolean {
    return this.checks.some((c) => c.status === 'fail');
  }
}

export function report(checks: CheckResult[], extra: Omit<CheckReport, 'ok' | 'checks'> = {}): CheckReport {
  return { ok: !checks.some((c) => c.status === 'fail'), checks, ...extra };
}

/** The first failing check (the one whose code a CLI exits with), if any. */
export function firstFailure(r: CheckReport): CheckResult | undefined {
  return r.checks.find((c) => c.status === 'fail');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
