// The words the rollback wizard uses for restore points, plans and results. Pure.
import type { BackupTrigger, PlanCollection, PlanObject, RestoreChoice } from '../../../shared/contract';
import { formatDateTime } from '../../../shared/format';

export const TRIGGER: Record<BackupTrigger, { label: string; color: string }> = {
  'pre-update': { label: 'Before an update', color: 'blue' },
  'pre-restore': { label: 'Safety copy before a rollback', color: 'grape' },
  scheduled: { label: 'Scheduled', color: 'gray' },
  event: { label: 'After an event', color: 'orange' },
  manual: { label: 'Made by hand', color: 'gray' },
  other: { label: 'Backup', color: 'gray' },
};

export function verificationBadge(p: RestoreChoice): { label: string; color: string } {
  if (!p.verification) return { label: 'Not verified yet', color: 'gray' };
  if (!p.verification.ok) return { label: 'Problems found', color: 'red' };
  return { label: `Verified ${formatDateTime(p.verification.verifiedAt)}`, color: 'green' };
}

export { ago } from '../../../shared/format';

export const ACTION: Record<PlanCollection['action'], string> = {
  replace: 'Put back as it was',
  create: 'Created again (missing now)',
  view: 'View recreated',
  skip: 'Not restored',
};

export const REASON: Record<PlanObject['reason'], string> = {
  missing: 'Missing now',
  changed: 'Changed since',
  metadata: 'Type or details changed',
};

export const n = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toLocaleString('en-US'));

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${n(count)} ${count === 1 ? one : many}`;
}
