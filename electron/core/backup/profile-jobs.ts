// Backup, restore points and prune for a saved profile: connect what the profile names, open its
// backup location (with the passphrase from the caller or the secret store), run the operation as a
// job. Shared by the API handlers and the CLI, so both behave the same.
import path from 'node:path';
import type { BackupSummary, PruneSummary, RestorePointList } from '../../../shared/api/backup';
import { UserError } from '../../../shared/errors';
import type { Job, OperationContext } from '../../../shared/jobs';
import type { Profile } from '../../../shared/profile';
import type { Engine } from '../engine';
import { mapMongoError, mapS3Error } from '../connections/errors';
import { openDestination } from '../connections/destination';
import { connectProfile, destinationSecret, secretContext } from '../profiles/connect';
import { resolveSecret } from '../profiles/secrets';
import { driveMissingError, planFolder, type Repository, type RetentionPolicyInput } from '../repository';
import { runBackup, type BackupResult } from './backup';
import { openBackupLocation } from './location';
import { listRestorePoints, runPrune } from './snapshots';
import { pauseHook } from './test-hooks';

/** The job-manager lock of a profile's backup location: one writing job per location in this app. */
export function locationLockKey(profile: Profile): string {
  const d = profile.destination;
  return d.kind === 'folder' ? `backup-location:folder:${path.resolve(d.path)}` : `backup-location:s3:${d.endpoint ?? d.accountId ?? ''}/${d.bucket}/${d.prefix}`;
}

/** The passphrase to use: the one typed now, else the profile's saved one (env or secret store). */
async function passphraseFor(engine: Engine, profile: Profile, typed: string | undefined): Promise<string | undefined> {
  if (typed) {
    engine.secrets.add(typed);
    return typed;
  }
  return (await resolveSecret(secretContext(engine), profile, 'backupPassphrase'))?.value;
}

/**
 * Open a profile's backup location without connecting to MongoDB or R2: listing restore points and
 * pruning must work while the database is down (that is when people look for their backups).
 */
export async function withProfileLocation<T>(engine: Engine, name: string, typedPassphrase: string | undefined, fn: (repo: Repository) => Promise<T>): Promise<T> {
  const profile = engine.profiles.get(name);
  const destination = openDestination(profile.destination, { secretAccessKey: await destinationSecret(engine, profile), r2: profile.r2 });
  try {
    const { repo } = await openBackupLocation(destination.store, { passphrase: await passphraseFor(engine, profile, typedPassphrase) });
    return await fn(repo);
  } finally {
    destination.client?.destroy();
  }
}

/**
 * The restore points of a profile; an empty (not yet used) location simply has none, and so has a
 * folder the first backup will create (on a drive that is there: folder-root.ts says which).
 */
export async function listProfileRestorePoints(engine: Engine, name: string, typedPassphrase?: string): Promise<RestorePointList> {
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
    const destination = openDestination(profile.destination, { secretAccessKey: await destinationSecret(engine, profile), r2: profile.r2 });
    try {
      for await (const _found of destination.store.list('')) throw err; // other files there: say so
      return { location: destination.describe, encrypted: false, restorePoints: [], unreadable: [] };
    } finally {
      destination.client?.destroy();
    }
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
export async function backupProfile(engine: Engine, name: string, options: { tags: string[]; passphrase?: string }, ctx: OperationContext): Promise<BackupSummary> {
  ctx.onProgress({ phase: 'Connecting', message: name });
  const conn = await connectProfile(engine, name);
  try {
    const passphrase = options.passphrase ?? conn.passphrase;
    if (options.passphrase) engine.secrets.add(options.passphrase);
    const { repo, created } = await openBackupLocation(conn.destination.store, { passphrase, createIfEmpty: true });
    if (created) ctx.log('info', `Set up a new backup location at ${conn.destination.describe}${repo.encrypted ? ' (encrypted)' : ''}.`);
    const warnings = passphrase && !repo.encrypted ? [PASSPHRASE_NOT_USED] : [];
    for (const w of warnings) ctx.log('warn', w);
    const database = conn.mongo.database;
    const bucket = conn.r2.bucket;
    const result = await runBackup(
      repo,
      {
        mongo: { ...conn.mongo, mapError: (err) => mapMongoError(err, { database }) },
        r2: { ...conn.r2, mapError: (err) => mapS3Error(err, { bucket }) },
        folders: conn.profile.folders,
      },
      ctx,
      { profile: conn.profile.name, tags: options.tags, appVersion: engine.info.version, hook: pauseHook(engine.testPauseAt, ctx.signal) },
    );
    return { ...toBackupSummary(result, conn.destination.describe), ...(warnings.length > 0 ? { warnings } : {}) };
  } finally {
    await conn.close();
  }
}

export function startBackupJob(engine: Engine, name: string, options: { tags?: string[]; passphrase?: string } = {}): Job {
  const profile = engine.profiles.get(name); // an unknown profile fails now, not inside the job
  if (options.passphrase) engine.secrets.add(options.passphrase);
  const tags = options.tags && options.tags.length > 0 ? options.tags : ['manual'];
  return engine.jobs.start({
    kind: 'backup',
    title: `Backup of "${profile.name}"`,
    profile: profile.name,
    locks: [locationLockKey(profile)],
    run: (ctx) => backupProfile(engine, profile.name, { tags, passphrase: options.passphrase }, ctx),
  });
}

export function startPruneJob(engine: Engine, name: string, options: { dryRun: boolean; retention?: RetentionPolicyInput; passphrase?: string }): Job {
  const profile = engine.profiles.get(name);
  if (options.passphrase) engine.secrets.add(options.passphrase);
  return engine.jobs.start({
    kind: 'prune',
    title: options.dryRun ? `Check what cleaning up "${profile.name}" would remove` : `Clean up old backups of "${profile.name}"`,
    profile: profile.name,
    locks: [locationLockKey(profile)],
    run: (ctx): Promise<PruneSummary> => withProfileLocation(engine, profile.name, options.passphrase, (repo) => runPrune(repo, { ...options, profile: profile.name }, ctx)),
  });
}
