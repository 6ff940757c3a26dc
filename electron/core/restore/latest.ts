// What "latest" means for a restore: the newest restore point of this connection that the history
// knows of, never silently an older one. A rollback to the wrong date is worse than no rollback, so
// when the newest point is unreadable, missing, or says something the history contradicts, the
// restore stops and names the one before, for the person to choose explicitly.
import { UserError } from '../../../shared/errors';
import type { SnapshotHeader } from '../repository';

/** A backup the history recorded as finished: its restore point and the date written in it. */
export interface KnownBackup {
  snapshotId: string;
  createdAt: string;
}

export interface LatestInput {
  profile: string;
  /** Readable restore points of the location, any connection. */
  headers: SnapshotHeader[];
  /** Ids of restore point files that cannot be read. */
  damaged: string[];
  /** Backups of this connection into this location, from the history, any order. */
  known: KnownBackup[];
  /** What "latest" is for, to word the hint (restore, verify and export all use this rule). */
  purpose?: 'restore' | 'check' | 'export';
  now?: Date;
}

const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000; // clocks of two computers sharing a location may differ

const day = (iso: string) => iso.slice(0, 16).replace('T', ' ') + ' UTC';

function stopWith(message: string, before: SnapshotHeader | undefined, purpose: LatestInput['purpose'], details?: string): UserError {
  return new UserError({
    code: 'BACKUP_DAMAGED',
    title: 'Newest restore point not usable',
    message: `${message} Nothing was changed.`,
    hint: before
      ? `To ${purpose ?? 'restore'} the one before, made ${day(before.createdAt)}, choose it by its date in the list of restore points (CLI: --snapshot ${before.id}). Then run a full verification of the backup location.`
      : 'Run a full verification of the backup location, then make a new backup.',
    details,
  });
}

/** "latest" for a restore (and verify, export). Safety backups of earlier restores are left out (running the same restore twice must not undo the first). */
export function resolveLatest(input: LatestInput): SnapshotHeader {
  const stop = (message: string, before: SnapshotHeader | undefined, details?: string) => stopWith(message, before, input.purpose, details);
  const now = input.now ?? new Date();
  const knownAt = new Map(input.known.map((k) => [k.snapshotId, k.createdAt]));
  const own = input.headers.filter((h) => h.profile === input.profile && !h.tags.includes('pre-restore'));
  // A restore point whose date differs from the one the history recorded was changed after the backup.
  const altered = own.filter((h) => knownAt.has(h.id) && knownAt.get(h.id) !== h.createdAt);
  const usable = own.filter((h) => !altered.includes(h));
  const newest = usable[usable.length - 1];
  const before = usable[usable.length - 2];

  if (altered.length > 0 && (!newest || altered.some((a) => a.createdAt > newest.createdAt || knownAt.get(a.id)! > newest.createdAt))) {
    const a = altered[altered.length - 1];
    throw stop(`The restore point ${a.id.slice(0, 8)} now says it was made ${day(a.createdAt)}, but the history recorded ${day(knownAt.get(a.id)!)}: it was changed after the backup.`, newest);
  }
  const newestKnown = [...input.known].sort((x, y) => x.createdAt.localeCompare(y.createdAt)).pop();
  if (newestKnown && (!newest || newestKnown.createdAt > newest.createdAt)) {
    const why = input.damaged.includes(newestKnown.snapshotId) ? 'cannot be read' : 'is missing from the backup location';
    throw stop(`The newest backup of "${input.profile}", made ${day(newestKnown.createdAt)}, ${why}.`, newest, `restore point ${newestKnown.snapshotId}`);
  }
  if (!newest) {
    if (input.damaged.length > 0) throw stop(`No restore point of "${input.profile}" can be read: ${input.damaged.length} file(s) in the backup location are damaged.`, undefined);
    throw new UserError({ code: 'SNAPSHOT_NOT_FOUND', title: 'No backup yet', message: `There is no backup of "${input.profile}" ${{ restore: 'to restore from', check: 'to check', export: 'to export' }[input.purpose ?? 'restore']}.`, hint: 'Make a backup first (Backup, or "pci-maint backup").' });
  }
  if (Date.parse(newest.createdAt) > now.getTime() + FUTURE_SLACK_MS) {
    throw stop(`The newest restore point says it was made ${day(newest.createdAt)}, which is in the future: its date cannot be trusted.`, before);
  }
  // Without a history that vouches for the newest point (a new computer after a disaster, say), an
  // unreadable file may be a newer backup of this connection: say so rather than go back in time.
  if (input.damaged.length > 0 && newestKnown?.snapshotId !== newest.id) {
    throw stop(`${input.damaged.length} restore point file(s) in the backup location cannot be read; one of them may be the newest backup of "${input.profile}".`, newest, input.damaged.slice(0, 5).join('\n'));
  }
  return newest;
}
