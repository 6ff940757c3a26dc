// What the plan's checks look at, read from a connection's profile and plan settings in this one place
// (so a change of the profile's shape — sources instead of fixed MongoDB and R2 — touches only here).
import { folderPaths, mongoSource, type Profile } from '../../../shared/profile';
import type { PlanSettings } from '../../../shared/api/plan';
import type { Services } from '../services';

export interface WatchedFolder {
  /** For people: "Data folder of PCI Maintenance", "Backup location", "Configuration folder". */
  label: string;
  path: string;
}

export interface PlanTargets {
  profile: string;
  /** PCI File Manager's health address, or null when none is set. */
  healthUrl: string | null;
  /** The https address whose certificate is checked: the plan's public address, else an https health address. */
  certificateUrl: string | null;
  /** The connection's MongoDB database (null: it has none, and the database checks do not apply). */
  database: string | null;
  /** The collection of file records and the field that holds each file's object key. */
  fileRecords: { collection: string; keyField: string } | null;
  /** The drives that matter: the data folder, a backup location on a folder, the configuration folders. */
  folders: WatchedFolder[];
  backupMaxAgeHours: number;
}

export function planTargets(services: Pick<Services, 'paths'>, profile: Profile, settings: PlanSettings): PlanTargets {
  const healthUrl = profile.app.healthUrl ?? null;
  const folders: WatchedFolder[] = [{ label: 'Data folder of PCI Maintenance', path: services.paths.home }];
  if (profile.destination.kind === 'folder') folders.push({ label: 'Backup location', path: profile.destination.path });
  for (const f of folderPaths(profile)) folders.push({ label: 'Configuration folder', path: f });
  return {
    profile: profile.name,
    healthUrl,
    certificateUrl: settings.publicUrl ?? (healthUrl?.startsWith('https://') ? healthUrl : null),
    database: mongoSource(profile)?.database ?? null,
    fileRecords: profile.fileRecords ? { collection: profile.fileRecords.collection, keyField: profile.fileRecords.keyField } : null,
    folders,
    backupMaxAgeHours: profile.backupMaxAgeHours,
  };
}
