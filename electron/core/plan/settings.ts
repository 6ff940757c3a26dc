// The plan settings of every connection, in plan.json in the data folder (zod-validated, written
// atomically): items switched off or given another frequency, and the app's public https address.
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_PLAN_SETTINGS, PlanSettings, type PlanAutoRun, type PlanItemSetting } from '../../../shared/api/plan';
import { userError } from '../../../shared/errors';
import type { Services } from '../services';
import { SettingsFile } from '../schedule/settings-file';
import { catalogItem } from './catalog';

export const PLAN_FILE = 'plan.json';
const File = z.object({ version: z.literal(1), profiles: z.record(z.string(), PlanSettings) });

export function planSettingsFile(s: Pick<Services, 'paths'>): SettingsFile<typeof File> {
  return new SettingsFile(path.join(s.paths.home, PLAN_FILE), File, () => ({ version: 1 as const, profiles: {} }), 'maintenance plan settings');
}

export function readPlanSettings(s: Pick<Services, 'paths'>, profile: string): PlanSettings {
  return planSettingsFile(s).read().profiles[profile] ?? structuredClone(DEFAULT_PLAN_SETTINGS);
}

export interface PlanSettingsChange {
  publicUrl?: string | null;
  items?: Record<string, PlanItemSetting>;
  autoRun?: PlanAutoRun;
}

export async function changePlanSettings(s: Pick<Services, 'paths'>, profile: string, change: PlanSettingsChange): Promise<PlanSettings> {
  for (const id of Object.keys(change.items ?? {})) {
    if (!catalogItem(id)) throw userError('INVALID_INPUT', 'Unknown plan item', `The maintenance plan has no item "${id}".`, 'Use an id from the plan (pci-maint plan --profile NAME lists them).');
  }
  return planSettingsFile(s).change((data) => {
    const current = data.profiles[profile] ?? structuredClone(DEFAULT_PLAN_SETTINGS);
    if (change.publicUrl !== undefined) current.publicUrl = change.publicUrl;
    if (change.autoRun !== undefined) current.autoRun = change.autoRun;
    for (const [id, setting] of Object.entries(change.items ?? {})) current.items[id] = { ...current.items[id], ...setting };
    data.profiles[profile] = current;
    return current;
  });
}
