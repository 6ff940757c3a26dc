// Checklist items 2 and 6: room for another backup (plus a margin) in the backup location, and free
// space above 10 % on this computer's drives that matter (data folder, temporary files, backup folder,
// configuration folders of PCI File Manager).
import fs from 'node:fs/promises';
import os from 'node:os';
import type { ChecklistCheck } from '../../../shared/api/checklist';
import { formatBytes } from '../../../shared/format';
import { folderPaths, type Profile } from '../../../shared/profile';
import type { Services } from '../services';
import { folderSpace } from '../connections/destination';
import { backupPoints } from '../health/past-runs';
import { LABELS, fail, pass, warn } from './check';

/** Below this share of free space a drive fails the check (the runbook's rule). */
export const MIN_FREE_SHARE = 0.1;
/** Extra room asked for on top of the estimate: the estimate is a guess, and the drive fills anyway. */
export const MARGIN_SHARE = 0.2;
export const MARGIN_MIN_BYTES = 1e9;

/**
 * The next backup stores what changed. After two backups, about as much as the recent ones added (the
 * first stored everything); before that, everything: the database and the bucket as measured now.
 */
export function estimateNextBackup(engine: Services, profile: string, fullSize: number | null): number | null {
  const added = backupPoints(engine, profile).filter((p) => p.status === 'succeeded' && p.newBytes !== null).map((p) => p.newBytes!);
  const later = added.slice(1).slice(-5);
  if (later.length > 0) return Math.max(...later);
  return fullSize;
}

export async function spaceCheck(profile: Profile, estimate: number | null): Promise<ChecklistCheck> {
  const dest = profile.destination;
  if (dest.kind === 's3') return pass('space', LABELS.space, `The backups go to the bucket “${dest.bucket}”, which has no fixed size.`);
  const space = await folderSpace(dest.path).catch(() => null);
  if (!space) return fail('space', LABELS.space, `The backup folder ${dest.path} cannot be found.`, 'Connect the backup drive (or correct the backup location in Settings), then run the checks again.', 'settings');
  const free = `${formatBytes(space.freeBytes)} free`;
  if (estimate === null) return warn('space', LABELS.space, `${free} in ${dest.path}. How big the next backup will be is not known yet.`, 'Make sure the drive has at least as much room as the database and the files together.');
  const margin = Math.max(estimate * MARGIN_SHARE, MARGIN_MIN_BYTES);
  // "needs about 0 bytes" reads like a mistake: recent backups that added almost nothing say so.
  const need = estimate < 1e6 ? 'the next backup adds very little (recent backups added less than 1 MB)' : `the next backup needs about ${formatBytes(estimate)}`;
  if (space.freeBytes < estimate) return fail('space', LABELS.space, `Not enough room: ${free} in ${dest.path}, and ${need}.`, `Free at least ${formatBytes(estimate + margin - space.freeBytes)} on the backup drive, or choose a bigger one.`, 'settings');
  if (space.freeBytes < estimate + margin) return warn('space', LABELS.space, `Only just enough room: ${free} in ${dest.path}, and ${need}.`, `Free ${formatBytes(estimate + margin - space.freeBytes)} more to be safe.`);
  return pass('space', LABELS.space, `${free} in ${dest.path}; ${need}.`);
}

export interface DriveSpace {
  /** The first folder found on this drive (drives are told apart by device, not by mount point). */
  label: string;
  roles: string[];
  freeBytes: number;
  totalBytes: number;
}

/** The folders PCI Maintenance and the profiles use, with what each is for. */
export function relevantFolders(engine: Services, profiles: Profile[]): Array<[string, string]> {
  return [
    [engine.paths.home, 'PCI Maintenance data'],
    [os.tmpdir(), 'temporary files'],
    ...profiles.flatMap((p) => [
      ...(p.destination.kind === 'folder' ? [[p.destination.path, 'backups'] as [string, string]] : []),
      ...folderPaths(p).map((f) => [f, 'configuration and content folders'] as [string, string]),
    ]),
  ];
}

/** Free space per drive holding one of `folders`; folders that do not exist are left out. */
export async function driveSpace(folders: Array<[string, string]>): Promise<DriveSpace[]> {
  const found: Array<{ dev: number; label: string; roles: string[] }> = [];
  for (const [dir, role] of folders) {
    const st = await fs.stat(dir).catch(() => null);
    if (!st) continue;
    const same = found.find((d) => d.dev === st.dev);
    if (same) {
      if (!same.roles.includes(role)) same.roles.push(role);
    } else found.push({ dev: st.dev, label: dir, roles: [role] });
  }
  const out: DriveSpace[] = [];
  for (const d of found) {
    const space = await folderSpace(d.label).catch(() => null);
    if (space && space.totalBytes > 0) out.push({ label: d.label, roles: d.roles, ...space });
  }
  return out;
}

export async function disksCheck(engine: Services, profile: Profile): Promise<ChecklistCheck> {
  const lines: string[] = [];
  const low: string[] = [];
  for (const d of await driveSpace(relevantFolders(engine, [profile]))) {
    const share = d.freeBytes / d.totalBytes;
    const text = `${d.label} (${d.roles.join(', ')}): ${Math.floor(share * 100)} % free, ${formatBytes(d.freeBytes)}`;
    lines.push(text);
    if (share < MIN_FREE_SHARE) low.push(text);
  }
  if (lines.length === 0) return warn('disks', LABELS.disks, 'The free space of this computer’s drives cannot be measured.', 'Check it yourself: every drive should have more than 10 % free.');
  if (low.length > 0) return { ...fail('disks', LABELS.disks, `Less than 10 % free: ${low.join('; ')}.`, 'Free some space on these drives before updating: an update that runs out of space can leave PCI File Manager broken.'), details: lines.join('\n') };
  return pass('disks', LABELS.disks, `More than 10 % free on every drive that matters: ${lines.join('; ')}.`);
}
