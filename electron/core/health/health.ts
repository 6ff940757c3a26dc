// The health report of one connection (dashboard and `pci-maint health`): every number comes from the
// real servers or the history; what cannot be known is null and said so, never guessed.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { DestinationHealth, HealthAction, HealthReport, MongoHealth, R2Health } from '../../../shared/api/health';
import { toUserErrorData } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import { mongoSource, s3Source, type MongoSource, type Profile, type S3Source } from '../../../shared/profile';
import type { Services } from '../services';
import { mapMongoError, mapS3Error } from '../connections/errors';
import { endpointLabel, requireR2Endpoint } from '../connections/r2';
import { folderSpace } from '../connections/destination';
import { profileSecret, withProfile } from '../profiles/open';
import { readBucketCount, runningCount } from './bucket-count';
import { blockedSchedules } from '../schedule/blocked';
import { readDatabaseFacts } from '../checklist/database';
import { compareCollections, compareObjects, referencePoints } from './compare';
import { backupPoints, formatAge, lastBackup, lastConsistency, lastVerify, ageHours } from './past-runs';
import { recoveryHealth } from '../recovery/evidence';
import { planView } from '../plan/plan';

export interface HealthOptions {
  timeoutMs?: number;
  now?: number;
}

async function mongoHealth(engine: Services, profile: Profile, source: MongoSource, timeoutMs: number): Promise<MongoHealth> {
  const base = { database: source.database, version: null, sizeBytes: null, collections: null, documents: null, comparisons: [] };
  let uri: string | undefined;
  try {
    uri = await profileSecret(engine, profile, 'mongoUri');
    return await withProfile(engine, profile, { mongo: true, timeoutMs }, async ({ mongo: { client } }) => {
      const db = client.db(source.database);
      const [stats, build, facts] = await Promise.all([
        db.command({ dbStats: 1 }),
        client.db('admin').command({ buildInfo: 1 }).catch(() => null),
        // Counted now, per collection, to compare with the last backup and the baseline.
        readDatabaseFacts(client, source.database).catch(() => null),
      ]);
      const comparisons = facts ? referencePoints(engine, profile.name).map((then) => compareCollections(then, facts.collections)).filter((c) => c !== null) : [];
      return {
        ...base,
        comparisons,
        state: comparisons.some((c) => c.loss) ? 'warn' : 'ok',
        version: typeof build?.version === 'string' ? build.version : null,
        sizeBytes: Number(stats.dataSize ?? 0),
        collections: Number(stats.collections ?? 0),
        documents: Number(stats.objects ?? 0),
        error: null,
      } satisfies MongoHealth;
    });
  } catch (err) {
    return { ...base, state: 'error', error: toUserErrorData(mapMongoError(err, { uri, database: source.database })) };
  }
}

async function r2Health(engine: Services, profile: Profile, source: S3Source, timeoutMs: number): Promise<R2Health> {
  const count = readBucketCount(engine, profile.name);
  const base = {
    bucket: source.bucket,
    objects: count?.objects ?? null,
    totalBytes: count?.totalBytes ?? null,
    countedAt: count?.countedAt ?? null,
    countJobId: runningCount(engine, profile.name),
    comparisons: count ? referencePoints(engine, profile.name).map((then) => compareObjects(then, count)).filter((c) => c !== null) : [],
  };
  let endpoint = '';
  try {
    endpoint = requireR2Endpoint(source);
    // A one-key listing, not HeadBucket: HEAD answers carry no error code, so a wrong secret and
    // a missing permission would look the same.
    await withProfile(engine, profile, { r2: true, maxAttempts: 2, timeoutMs }, ({ r2 }) => r2.client.send(new ListObjectsV2Command({ Bucket: r2.bucket, MaxKeys: 1 })));
    return { ...base, state: base.comparisons.some((c) => c.loss) ? 'warn' : 'ok', reachable: true, error: null };
  } catch (err) {
    return { ...base, state: 'error', reachable: false, error: toUserErrorData(mapS3Error(err, { bucket: source.bucket, endpoint: endpoint ? endpointLabel(endpoint) : undefined })) };
  }
}

async function destinationHealth(profile: Profile, next: { bytes: number | null; upperBound: boolean }): Promise<DestinationHealth> {
  const dest = profile.destination;
  const estimate = next.bytes;
  const base = { estimatedNextBackupBytes: estimate, estimateIsUpperBound: next.upperBound, error: null };
  if (dest.kind === 's3') {
    return { ...base, state: 'ok', describe: `s3://${dest.bucket}${dest.prefix ? `/${dest.prefix}` : ''}`, freeBytes: null, totalBytes: null, message: 'A bucket has no fixed size.' };
  }
  const space = await folderSpace(dest.path).catch(() => null);
  if (!space) {
    return { ...base, state: 'error', describe: dest.path, freeBytes: null, totalBytes: null, message: 'The backup folder cannot be found. Is the drive connected?' };
  }
  const free = `${formatBytes(space.freeBytes)} free of ${formatBytes(space.totalBytes)}`;
  if (estimate !== null && space.freeBytes < estimate && next.upperBound) {
    return { ...base, ...space, state: 'warn', describe: dest.path, message: `${free}: perhaps not enough if much changed (the next backup adds at most ${formatBytes(estimate)}).` };
  }
  if (estimate !== null && space.freeBytes < estimate) {
    return { ...base, ...space, state: 'error', describe: dest.path, message: `${free}: not enough for the next backup (about ${formatBytes(estimate)}).` };
  }
  if (space.totalBytes > 0 && space.freeBytes < space.totalBytes * 0.1) {
    return { ...base, ...space, state: 'warn', describe: dest.path, message: `${free}: the drive is almost full.` };
  }
  return { ...base, ...space, state: 'ok', describe: dest.path, message: `${free}.` };
}

/**
 * The next backup stores what changed: about as much as the recent backups added. Before the first
 * backup, everything is new: the database plus the bucket (when it has been counted).
 */
function estimateNextBackup(points: ReturnType<typeof backupPoints>, mongo: MongoHealth | null, r2: R2Health | null): { bytes: number | null; upperBound: boolean } {
  const done = points.filter((p) => p.status === 'succeeded' && p.newBytes !== null);
  // The first backup stored everything; later ones only what changed, which is what comes next.
  if (done.length > 1) return { bytes: Math.max(...done.slice(1).slice(-5).map((p) => p.newBytes!)), upperBound: false };
  // After only the first one, nothing says how much changes: everything is the most it could add.
  if (done.length === 1) return { bytes: done[0].bytes ?? done[0].newBytes, upperBound: true };
  // Folders and other sources are not measured before the first backup: no estimate rather than a low one.
  if (!mongo || !r2 || mongo.sizeBytes === null || r2.totalBytes === null) return { bytes: null, upperBound: false };
  return { bytes: mongo.sizeBytes + r2.totalBytes, upperBound: false };
}

export async function healthReport(engine: Services, name: string, options: HealthOptions = {}): Promise<HealthReport> {
  const profile = engine.profiles.get(name);
  const now = options.now ?? Date.now();
  const timeoutMs = options.timeoutMs ?? 5000;
  const m = mongoSource(profile);
  const b = s3Source(profile);
  const [mongo, r2] = await Promise.all([m ? mongoHealth(engine, profile, m, timeoutMs) : null, b ? r2Health(engine, profile, b, timeoutMs) : null]);
  const backups = backupPoints(engine, profile.name);
  const destination = await destinationHealth(profile, estimateNextBackup(backups, mongo, r2));
  const backup = lastBackup(engine, profile.name, profile.backupMaxAgeHours, now);
  const recovery = recoveryHealth(engine, profile.name, new Date(now));
  const verify = provenByDrill(lastVerify(engine, profile.name, backup.status === 'succeeded' ? backup.at : null, now), recovery, backup.at, now);
  const consistency = lastConsistency(engine, profile.name, now);
  const blocked = await blockedSchedules(engine, profile.name);
  const report: HealthReport = {
    profile: profile.name,
    generatedAt: new Date(now).toISOString(),
    backupMaxAgeHours: profile.backupMaxAgeHours,
    lastBackup: backup,
    lastVerify: verify,
    consistency,
    mongo,
    r2,
    destination,
    passphrase: { ...blocked.passphrase, blockedSchedules: blocked.kinds, blockedMessage: blocked.message },
    recovery,
    actions: [],
    backups,
  };
  report.actions = recommendedActions(report, now);
  // The maintenance plan's overdue items, on the dashboard where they are seen.
  const overdue = planView(engine, profile.name, { now: () => now }).items.filter((i) => i.state === 'overdue');
  if (overdue.length > 0) {
    const names = overdue.slice(0, 3).map((i) => `“${i.title}”`).join(', ');
    report.actions.push({ id: 'plan-overdue', severity: 'warn', text: `${overdue.length} item${overdue.length === 1 ? ' of the maintenance plan is' : 's of the maintenance plan are'} overdue: ${names}${overdue.length > 3 ? ', …' : ''}.`, route: '/plan' });
    report.actions.sort((a, b) => ({ error: 0, warn: 1, info: 2 })[a.severity] - ({ error: 0, warn: 1, info: 2 })[b.severity]);
  }
  return report;
}

/**
 * A restore drill that passed after the newest backup proved more than a verification does (it brought
 * the backup back and checked it): the verification card says so instead of "not verified yet".
 */
function provenByDrill(verify: HealthReport['lastVerify'], recovery: HealthReport['recovery'], backupAt: string | null, now: number): HealthReport['lastVerify'] {
  const at = recovery.provenBy === 'drill' ? recovery.provenCheckedAt : null;
  if (!at || (verify.at && verify.at >= at) || (backupAt && backupAt > at)) return verify;
  const age = ageHours(at, now);
  return { state: 'ok', message: `Proven by a restore drill ${formatAge(age)}: the backup came back complete.`, at, status: 'succeeded', ageHours: age, error: null };
}

/** What to do next, most urgent first. */
export function recommendedActions(r: HealthReport, now = Date.now()): HealthAction[] {
  const out: HealthAction[] = [];
  const add = (id: string, severity: HealthAction['severity'], text: string, route: string | null) => out.push({ id, severity, text, route });
  if (r.mongo?.error) add('fix-mongo', 'error', `MongoDB: ${r.mongo.error.message} ${r.mongo.error.hint}`, '/settings');
  if (r.r2?.error) add('fix-r2', 'error', `R2: ${r.r2.error.message} ${r.r2.error.hint}`, '/settings');
  if (r.destination.state === 'error') add('fix-destination', 'error', `Backup location: ${r.destination.message} Free some space or choose another location.`, '/settings');
  // Before the night, not in a failure notification after it.
  if (r.passphrase.blockedSchedules.length > 0) add('remember-passphrase', 'error', r.passphrase.blockedMessage, null);
  const lost = [...(r.mongo?.comparisons ?? []), ...(r.r2?.comparisons ?? [])].filter((c) => c.loss);
  if (lost.length > 0) {
    const first = lost[0].changes[0] ?? lost[0].summary;
    add('data-lost', 'warn', `Data went missing since ${lost[0].against === 'backup' ? 'the last backup' : 'before the update'}: ${first} If nobody meant to delete it, restore it from a restore point.`, '/restore');
  }
  if (r.lastBackup.state === 'none') add('first-backup', 'warn', 'Make your first backup.', '/backup');
  if (r.lastBackup.state === 'error') add('backup-failed', 'error', `The last backup failed${r.lastBackup.error ? `: ${r.lastBackup.error.message}` : '.'} Fix the problem and back up again.`, '/backup');
  if (r.lastBackup.state === 'warn') add('backup-old', 'warn', `Make a backup: the last one is more than ${r.backupMaxAgeHours} hours old.`, '/backup');
  if (r.destination.state === 'warn') add('space-low', 'warn', 'The backup drive is almost full: free some space or choose a bigger drive.', '/settings');
  if (r.lastBackup.status === 'succeeded' && r.lastVerify.state !== 'ok') add('verify', r.lastVerify.state === 'error' ? 'error' : 'info', 'Verify your latest backup, so you know it can be restored.', '/verify');
  // The storage check compares file records with objects: only for a connection with both.
  if (r.mongo && r.r2 && r.consistency.state === 'none') add('consistency', 'info', 'Run a storage check: it finds file records without files and files without records.', '/check');
  else if (r.consistency.state === 'warn') add('consistency-problems', 'warn', `The storage check found problems (${r.consistency.message.replace(/ found.*$/, '')}). Review them.`, '/check');
  if (r.r2?.countedAt && ageHours(r.r2.countedAt, now) > 24 * 7) add('recount', 'info', `The file count of the bucket is from ${formatAge(ageHours(r.r2.countedAt, now))}; count again for current numbers.`, null);
  const rank = { error: 0, warn: 1, info: 2 } as const;
  return out.sort((a, b) => rank[a.severity] - rank[b.severity]);
}
