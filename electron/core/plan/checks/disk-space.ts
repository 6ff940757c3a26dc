// Free space on the drives that matter: the data folder of PCI Maintenance, a backup location on a
// folder, and the connection's configuration folders (the plans: low below 10 % free). Folders on the
// same drive are reported once.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { formatBytes } from '../../../../shared/format';
import type { CheckLevel } from '../../../../shared/api/plan';
import { nearestExisting } from '../../connections/destination';
import { result, worstLevel, type PlanCheck } from '../types';

export const WARN_FREE_PERCENT = 10;
/** Below this the next backup or log write may fail outright. */
export const CRITICAL_FREE_PERCENT = 3;

export const diskSpace: PlanCheck = {
  id: 'disk-space',
  title: 'Free disk space',
  description: 'Measures the free space on the drives of the data folder, the backup location and the configuration folders (low below 10 % free).',
  frequency: 'daily',
  route: '/settings',
  async run(ctx) {
    const drives = new Map<string, { labels: string[]; free: number; total: number }>();
    const details: string[] = [];
    const measured: Record<string, number | null> = {};
    const levels: CheckLevel[] = [];
    for (const f of ctx.targets.folders) {
      ctx.signal.throwIfAborted();
      const existing = await nearestExisting(f.path);
      if (!existing) {
        details.push(`${f.label} ${f.path}: cannot be found.`);
        levels.push('warning');
        continue;
      }
      const [st, fsStat] = await Promise.all([fsp.stat(existing), fsp.statfs(existing)]);
      if (existing !== path.resolve(f.path)) {
        details.push(`${f.label} ${f.path} does not exist${f.label === 'Backup location' ? ' (is the drive connected?)' : ''}; measured the drive it would be on.`);
        if (f.label === 'Backup location') levels.push('warning');
      }
      const key = String(st.dev);
      const seen = drives.get(key);
      if (seen) {
        seen.labels.push(`${f.label} ${f.path}`);
        continue;
      }
      drives.set(key, { labels: [`${f.label} ${f.path}`], free: fsStat.bavail * fsStat.bsize, total: fsStat.blocks * fsStat.bsize });
    }
    let lowest: { percent: number; labels: string[]; free: number } | null = null;
    let i = 0;
    for (const d of drives.values()) {
      const percent = d.total > 0 ? (d.free / d.total) * 100 : 100;
      measured[`drive${++i}FreePercent`] = Math.round(percent * 10) / 10;
      measured[`drive${i}FreeBytes`] = d.free;
      details.push(`${d.labels.join(', ')}: ${formatBytes(d.free)} free of ${formatBytes(d.total)} (${percent.toFixed(1)} %).`);
      levels.push(percent < CRITICAL_FREE_PERCENT ? 'critical' : percent < WARN_FREE_PERCENT ? 'warning' : 'ok');
      if (!lowest || percent < lowest.percent) lowest = { percent, labels: d.labels, free: d.free };
    }
    const level = worstLevel(levels);
    if (!lowest) return result(this, ctx, 'warning', 'None of the folders of this connection could be found.', { details, whatToDo: 'Connect the drives, or correct the folders in the settings.' });
    const where = lowest.labels[0];
    if (level === 'critical' || level === 'warning') {
      const low = lowest.percent < WARN_FREE_PERCENT;
      return result(this, ctx, level, low ? `A drive is almost full: ${formatBytes(lowest.free)} (${lowest.percent.toFixed(1)} %) free where the ${where.toLowerCase()} is.` : 'A folder of this connection cannot be found.', {
        details,
        measured,
        whatToDo: low ? 'Free some space on that drive (old files, the recycle bin), or move the backups to a bigger drive.' : 'Connect the drive, or correct the folder in the settings.',
      });
    }
    return result(this, ctx, 'ok', `Enough free space on ${drives.size === 1 ? 'the drive' : `all ${drives.size} drives`} (the fullest has ${lowest.percent.toFixed(0)} % free).`, { details, measured });
  },
};
