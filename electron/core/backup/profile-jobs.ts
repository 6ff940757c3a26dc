// Backup, restore points and prune for a saved profile: connect what the profile names, open its
// backup location (with the passphrase from the caller or the secret store), run the operation as a
// job. Shared by the API handlers and the CLI, so both behave the same.
import path from 'node:path';
import type { BackupSummary, PruneSummary, RestorePointList } from '../../../shared/api/backup';
import { UserError } from '../../../shared/errors';
import type { Job, OperationContext } from '../../../shared/jobs';
import { folderPaths, mongoSource, s3Source, sqliteSources, type Profile } from '../../../shared/profile';
import type { Services } from '../services';
import { mapMongoError, mapS3Error } from '../connections/errors';
import type { JobSpec } from '../jobs/manager';
import { openProfile, registerSecret, withProfile } from '../profiles/open';
import { driveMissingError, planFolder, type Repository } from '../repository';
import type { RetentionSettings } from '../../../shared/api/retention';
import { effectiveRetention } from '../retention/settings';
import { runBackup, type BackupResult } from './backup';
import { listRestorePoints, runPrune } from './snapshots';
import { pauseHook } from './test-hooks';

/** The job-manager lock of a profile's backup location: one writing job per location in this app. */
export function locationLockKey(profile: Profile): string {
  const d = profile.destination;
  return d.kind === 'folder' ? `backup-location:folder:${path.resolve(d.path)}` : `backup-location:s3:${d.endpoint ?? d.accountId ?? ''}/${d.bucket}/${d.prefix}`;
}

/**
 * Open a profile's backup location without connecting to MongoDB or R2: listing restore points and
 * pruning must work while the database is down (that is when people look for their backups).
 */
export function withProfileLocation<T>(engine: Services, name: string, typedPassphrase: string | undefined, fn: (repo: Repository) => Promise<T>): Promise<T> {
  return withProfile(engine, name, { repository: true, passphrase: typedPassphrase }, ({ repo }) => fn(repo));
}

/**
 * The restore points of a profile; an empty (not yet used) location simply has none, and so has a
 * folder the first backup will create (on a drive that is there: folder-root.ts says which).
 */
export async function listProfileRestorePoints(engine: Services, name: string, typedPassphrase?: string): Promise<RestorePointList> {
  try {
    return await withProfileLocation(engine, name, typedPassphrase, listRestorePoints);
  } catch (err) {
    const profile = engine.profiles.get(name);
    const dest = profile.destination;
    if (err instanceof UserError && err.code === 'DEST_NOT_FOUND' && dest.kind === 'folder') {
      const plan = await planFolder(dest.path);
      if (plan.kind === 'create') return { location: path.resolve(dest.path), encrypted: false, restorePoints: [], unreadable: [] };
      if (plan.kind === 'drive-missing') throw driveMissingError(path.resolve(dest.path), plan);
    }
    if (!(err instanceof UserError && err.code === 'REPO_NOT_FOUND')) throw err;
    return withProfile(engine, profile, { location: true }, async ({ location }) => {
      for await (const _found of location.store.list('')) throw err; // other files there: say so
      return { location: location.describe, encrypted: false, restorePoints: [], unreadable: [] };
    });
  }
}

export function toBackupSummary(r: BackupResult, location: string): BackupSummary {
  return {
    snapshotId: r.snapshotId,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
    durationMs: r.durationMs,
    parent: r.parent,
    tags: r.tags,
    consistency: r.consistency,
    consistencyNote: r.consistencyNote,
    location,
    stats: {
      entries: r.stats.entries,
      bytes: r.stats.bytes,
      newBytes: r.stats.newBytes,
      reusedBytes: r.stats.reusedBytes,
      storedBytes: r.stats.storedBytes,
      newBlobs: r.stats.newBlobs,
      durationMs: r.durationMs,
      sources: r.sources.map(({ kind, name, entries, bytes, newBytes, downloaded, reused, vanished, collections }) => ({ kind, name, entries, bytes, newBytes, downloaded, reused, vanished, collections })),
    },
  };
}

/** A passphrase given for a location set up without one cannot encrypt anything: said, never ignored silently. */
export const PASSPHRASE_NOT_USED =
  'This backup location is not encrypted, so the passphrase was not used; the backup is stored without encryption. To encrypt, start a new backup location with a passphrase.';

/** The backup itself, inside a job: connect, open (or set up) the location, back up, disconnect. */
export async function backupProfile(engine: Services, name: string, options: { tags: string[]; passphrase?: string }, ctx: OperationContext): Promise<BackupSummary> {
  ctx.onProgress({ phase: 'Connecting', message: name });
  const profile = engine.profiles.get(name);
  const conn = await openProfile(engine, profile, { mongo: Boolean(mongoSource(profile)), r2: Boolean(s3Source(profile)), repository: 'create', passphrase: options.passphrase });
  try {
    const { repo, created, passphrase } = conn;
    if (created) ctx.log('info', `Set up a new backup location at ${conn.location.describe}${repo.encrypted ? ' (encrypted)' : ''}.`);
    const warnings = passphrase && !repo.encrypted ? [PASSPHRASE_NOT_USED] : [];
    // Never a quiet gap: a source this version cannot back up yet is named in the result.
    for (const s of sqliteSources(conn.profile)) warnings.push(`The SQLite database ${s.path} is not in this backup: this version of PCI Maintenance cannot back up SQLite files yet.`);
    for (const w of warnings) ctx.log('warn', w);
    const { mongo, r2 } = conn;
    const result = await runBackup(
      repo,
      {
        mongo: mongo && { ...mongo, mapError: (err) => mapMongoError(err, { database: mongo.database }) },
        r2: r2 && { ...r2, mapError: (err) => mapS3Error(err, { bucket: r2.bucket }) },
        folders: folderPaths(conn.profile),
      },
      ctx,
      { profile: conn.profile.name, tags: options.tags, appVersion: engine.info.version, hook: pauseHook(engine.testPauseAt, ctx.signal) },
    );
    return { ...toBackupSummary(result, conn.location.describe), ...(warnings.length > 0 ? { warnings } : {}) };
  } finally {
    await conn.close();
  }
}

export interface BackupJobOptions {
  tags?: string[];
  passphrase?: string;
  /** An app's event asked for it: tagged "event" (kept by the event retention rule) besides its own tags. */
  event?: boolean;
}

/** The tags a backup gets: the given ones, "manual" when none; an event's always start with "event". */
export function backupTags(options: Pick<BackupJobOptions, 'tags' | 'event'>): string[] {
  const given = options.tags ?? [];
  if (options.event) return [...new Set(['event', ...given])];
  return given.length > 0 ? given : ['manual'];
}

/** "Backup of "Office"", or for an event "Event backup of "Office" (gallery-added)". */
export function backupTitle(profile: string, options: Pick<BackupJobOptions, 'tags' | 'event'>): string {
  if (!options.event) return `Backup of "${profile}"`;
  const own = (options.tags ?? []).filter((t) => t !== 'event');
  return `Event backup of "${profile}"${own.length > 0 ? ` (${own.join(', ')})` : ''}`;
}

/** A backup of a profile as a job spec: the button, the CLI, the schedule and the event trigger start this same one. */
export function backupJob(engine: Services, name: string, options: BackupJobOptions = {}): JobSpec<BackupSummary> {
  const profile = engine.profiles.get(name); // an unknown profile fails now, not inside the job
  registerSecret(engine, options.passphrase);
  const tags = backupTags(options);
  return {
    kind: 'backup',
    title: backupTitle(profile.name, options),
    profile: profile.name,
    locks: [locationLockKey(profile)],
    run: (ctx) => backupProfile(engine, profile.name, { tags, passphrase: options.passphrase }, ctx),
  };
}

export function startBackupJob(engine: Services, name: string, options: BackupJobOptions = {}): Job {
  return engine.jobs.start(backupJob(engine, name, options));
}

export interface PruneJobOptions {
  dryRun: boolean;
  /** Rules for this clean-up only; each given field wins over the connection's saved rules. */
  retention?: Partial<RetentionSettings>;
  passphrase?: string;
}

/** Applying the retention rules (saved, with the call's over them) to a profile's restore points (or, with dryRun, showing what it would do). */
export function pruneJob(engine: Services, name: string, options: PruneJobOptions): JobSpec<PruneSummary> {
  const profile = engine.profiles.get(name);
  registerSecret(engine, options.passphrase);
  const rules = effectiveRetention(engine, profile.name, options.retention);
  return {
    kind: 'prune',
    title: options.dryRun ? `Check what cleaning up "${profile.name}" would remove` : `Clean up old backups of "${profile.name}"`,
    profile: profile.name,
    locks: [locationLockKey(profile)],
    run: (ctx) => withProfileLocation(engine, profile.name, options.passphrase, (repo) => runPrune(repo, { dryRun: options.dryRun, retention: rules, profile: profile.name }, ctx)),
  };
}

export function startPruneJob(engine: Services, name: string, options: PruneJobOptions): Job {
  return engine.jobs.start(pruneJob(engine, name, options));
}
