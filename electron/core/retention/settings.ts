// retention.json in the data folder: each connection's retention rules (the defaults until someone
// saves them). Every clean-up reads them: the button, the schedule's clean-up after a backup and
// `pci-maint prune`; rules given to one clean-up win field by field (mergeRetention).
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_RETENTION_SETTINGS, mergeRetention, RetentionSettings, type RetentionView } from '../../../shared/api/retention';
import type { Services } from '../services';
import { SettingsFile } from '../schedule/settings-file';

export const RETENTION_FILE = 'retention.json';

const RetentionFile = z.object({ version: z.literal(1), profiles: z.record(z.string(), RetentionSettings) });

export function retentionFile(engine: Pick<Services, 'paths'>): SettingsFile<typeof RetentionFile> {
  return new SettingsFile(path.join(engine.paths.home, RETENTION_FILE), RetentionFile, () => ({ version: 1 as const, profiles: {} }), 'retention rules');
}

/** The rules of a connection: saved ones, or the defaults. */
export function savedRetention(engine: Pick<Services, 'paths'>, profile: string): RetentionSettings {
  return structuredClone(retentionFile(engine).read().profiles[profile] ?? DEFAULT_RETENTION_SETTINGS);
}

/** The rules one clean-up uses: the saved ones with what the call gave over them. */
export function effectiveRetention(engine: Pick<Services, 'paths'>, profile: string, given?: Partial<RetentionSettings>): RetentionSettings {
  return mergeRetention(savedRetention(engine, profile), given);
}

export function retentionView(engine: Pick<Services, 'paths' | 'profiles'>, profile: string): RetentionView {
  const name = engine.profiles.get(profile).name;
  const saved = retentionFile(engine).read().profiles[name];
  return { profile: name, settings: structuredClone(saved ?? DEFAULT_RETENTION_SETTINGS), saved: saved !== undefined, defaults: structuredClone(DEFAULT_RETENTION_SETTINGS) };
}

export async function saveRetention(engine: Pick<Services, 'paths' | 'profiles'>, profile: string, settings: RetentionSettings | null): Promise<RetentionView> {
  const name = engine.profiles.get(profile).name;
  await retentionFile(engine).change((data) => {
    if (settings) data.profiles[name] = settings;
    else delete data.profiles[name];
  });
  return retentionView(engine, name);
}
