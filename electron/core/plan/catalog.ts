// The items of the maintenance plan and their default frequency, from the plans PCI File Manager's
// admins work from (../shared/seeds: daily health and error checks; weekly updates, certificate and
// access-log reviews; monthly restore test, security audit, retention review, optimisation). What the
// app can do itself is an automated check (checks/); the rest is a guided manual step signed off with a note.
import type { PlanFrequency } from '../../../shared/api/plan';
import { PLAN_CHECKS } from './checks';

export interface ManualStep {
  id: string;
  title: string;
  description: string;
  frequency: PlanFrequency;
  route: string | null;
}

export const MANUAL_STEPS: readonly ManualStep[] = [
  {
    id: 'review-updates',
    title: 'Look for updates and read the release notes',
    description:
      'See whether a new version of PCI File Manager (and of MongoDB and the operating system) is out. Read its release notes: does it fix security problems, does it change how data is stored? Plan security updates soon and other updates for the maintenance window. Before updating, use "Before an update".',
    frequency: 'weekly',
    route: '/checklist',
  },
  {
    id: 'review-access',
    title: 'Review who signed in',
    description: "Look through PCI File Manager's access log or user list for sign-ins you do not recognise, many failed attempts, or accounts of people who left. Remove or lock what should not be there.",
    frequency: 'weekly',
    route: null,
  },
  {
    id: 'announce-window',
    title: 'Tell users about the maintenance window',
    description: 'If maintenance is planned (an update, a restore test), tell the people who use PCI File Manager when it will be unavailable — the plans suggest Tuesday 03:00–05:00 — and how long it will take.',
    frequency: 'weekly',
    route: null,
  },
  {
    id: 'restore-test',
    title: 'Test a restore',
    description: 'Prove that the backups can really be restored: verify the latest restore point with a test restore of the database (Verify → "also test-restore"), and note how long it took.',
    frequency: 'monthly',
    route: '/verify',
  },
  {
    id: 'security-audit',
    title: 'Security review',
    description: 'Go through the security settings: change passwords and access keys that are old or were shared (MongoDB user, R2 keys), check who has administrator rights, and make sure the backup passphrase is still kept somewhere safe.',
    frequency: 'monthly',
    route: null,
  },
  {
    id: 'review-retention',
    title: 'Review how long backups are kept',
    description: 'Check that the retention rules still fit (the plans keep 30 daily, 12 weekly and 12 monthly restore points) and that the backup drive has room for the coming months.',
    frequency: 'monthly',
    route: '/restore-points',
  },
];

export interface CatalogItem {
  id: string;
  title: string;
  description: string;
  kind: 'automated' | 'manual';
  frequency: PlanFrequency;
  route: string | null;
}

export const PLAN_CATALOG: readonly CatalogItem[] = [
  ...PLAN_CHECKS.map((c) => ({ id: c.id, title: c.title, description: c.description, kind: 'automated' as const, frequency: c.frequency, route: c.route })),
  ...MANUAL_STEPS.map((m) => ({ ...m, kind: 'manual' as const })),
];

export function catalogItem(id: string): CatalogItem | undefined {
  return PLAN_CATALOG.find((i) => i.id === id);
}
