// Building blocks for checklist checks: one result per check, pass / warn / fail / skipped, in plain
// words, with the button that fixes it where there is one. Errors keep their own words (UserError).
import type { ChecklistAction, ChecklistCheck } from '../../../shared/api/checklist';
import { toUserErrorData } from '../../../shared/errors';

/** The order people read the checks in (the runbook's order), whatever order they ran in. */
export const CHECK_ORDER = ['app', 'version', 'backup', 'space', 'mongo', 'r2', 'consistency', 'disks', 'quiet'];

export function sortChecks(checks: ChecklistCheck[]): ChecklistCheck[] {
  const rank = (id: string) => (CHECK_ORDER.includes(id) ? CHECK_ORDER.indexOf(id) : CHECK_ORDER.length);
  return [...checks].sort((a, b) => rank(a.id) - rank(b.id));
}

export function pass(id: string, label: string, message: string): ChecklistCheck {
  return { id, label, status: 'pass', message, hint: '', action: null };
}

export function warn(id: string, label: string, message: string, hint: string, action: ChecklistAction | null = null): ChecklistCheck {
  return { id, label, status: 'warn', message, hint, action };
}

export function fail(id: string, label: string, message: string, hint: string, action: ChecklistAction | null = null): ChecklistCheck {
  return { id, label, status: 'fail', message, hint, action };
}

export function skipped(id: string, label: string, message: string): ChecklistCheck {
  return { id, label, status: 'skipped', message, hint: '', action: null };
}

/** A check that could not run because of an error: the error's own message and hint. */
export function failFrom(id: string, label: string, err: unknown, action: ChecklistAction | null = null, prefix = ''): ChecklistCheck {
  const data = toUserErrorData(err);
  return { id, label, status: 'fail', message: `${prefix}${data.message}`, hint: data.hint, action, code: data.code, ...(data.details ? { details: data.details } : {}) };
}

export function isOk(checks: ChecklistCheck[]): boolean {
  return !checks.some((c) => c.status === 'fail');
}

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export const LABELS = {
  app: 'PCI File Manager answers',
  version: 'Version recorded',
  backup: 'A verified backup from the last 24 hours',
  space: 'Room for another backup',
  mongo: 'MongoDB reachable, baseline recorded',
  r2: 'R2 reachable, baseline recorded',
  consistency: 'Missing files (compared with the last storage check)',
  disks: 'Free space on this computer',
  quiet: 'Nothing writes to the database',
} as const;

/** After the update the same checks answer another question: is it all still there? */
export const AFTER_LABELS = {
  mongo: 'Database as before the update',
  r2: 'Files in R2 as before the update',
  consistency: 'Missing files (compared with before the update)',
} as const;
