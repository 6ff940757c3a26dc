// Restore for a saved profile: list what can be restored, preview (the plan), run the plan as a job,
// clean up after interrupted restores. Shared by the API handlers and the CLI, so both behave the
// same. Only what a step needs is connected: a preview of the files does not need MongoDB up.
import type { RestoreChoices, RestorePlan, RestoreScope, RestoreSummary, SafetyChoice, SnapshotContents } from '../../../shared/api/restore';
import { UserError, userError } from '../../../shared/errors';
import type { Job, OperationContext } from '../../../shared/jobs';
import { mongoSource, s3Source, type Profile } from '../../../shared/profile';
import type { Services } from '../services';
import { backupProfile, locationLockKey, withProfileLocation } from '../backup/profile-jobs';
import { listRestorePoints } from '../backup/snapshots';
import { pauseHook } from '../backup/test-hooks';
import type { JobSpec } from '../jobs/manager';
import { openProfile, registerSecret, withProfile } from '../profiles/open';
import { acquire, type Repository, type SnapshotHeader } from '../repository';
import { VerifyStateStore } from '../verify/state';
import { cleanupLeftovers } from './cleanup';
import { resolveLatest, type KnownBackup, type LatestInput } from './latest';
import { buildPlan, planView } from './plan';
import { emptySummary, restoreVerdict, runRestore, safetyImpossible, type RestoreOptions } from './restore';
import { describeContents, indexSnapshot } from './snapshot-index';
import { noteRollback } from '../checklist/rollback';

/** The profile's backup location (opened as a repository), and MongoDB / R2 when asked for and the profile has them. */
async function openForRestore(engine: Services, name: string, passphrase: string | undefined, need: { mongo: boolean; r2: boolean }) {
  const profile = engine.profiles.get(name);
  const opened = await openProfile(engine, profile, { repository: true, mongo: need.mongo && Boolean(mongoSource(profile)), r2: need.r2 && Boolean(s3Source(profile)), passphrase });
  return { ...opened, describe: opened.location.describe };
}

export async function restoreChoices(engine: Services, name: string, passphrase?: string): Promise<RestoreChoices> {
  const list = await withProfileLocation(engine, name, passphrase, listRestorePoints);
  const verified = new VerifyStateStore(engine.historyDb).latestByProfile(engine.profiles.get(name).name);
  return { ...list, restorePoints: list.restorePoints.map((p) => ({ ...p, verification: verified[p.id] ?? null })) };
}

export async function snapshotContents(engine: Services, name: string, snapshot: string, passphrase?: string): Promise<SnapshotContents> {
  return withProfileLocation(engine, name, passphrase, async (repo) => describeContents(repo, await indexSnapshot(repo, await repo.readSnapshot(snapshot))));
}

/**
 * Backups of this profile into this location that the history recorded as finished. Safety backups
 * (the rollback wizard makes them as backup jobs of their own) are left out, as "latest" leaves them
 * out: else the newest one would count as a newest backup missing from the location.
 */
export function knownBackups(engine: Services, profile: string, location: string): KnownBackup[] {
  const out: KnownBackup[] = [];
  for (const item of engine.history.list({ kind: 'backup', profile, status: 'succeeded', limit: 200 }).items) {
    const s = item.summary as { snapshotId?: unknown; createdAt?: unknown; location?: unknown; tags?: unknown } | null;
    if (Array.isArray(s?.tags) && s.tags.includes('pre-restore')) continue;
    if (s && typeof s.snapshotId === 'string' && typeof s.createdAt === 'string' && s.location === location) out.push({ snapshotId: s.snapshotId, createdAt: s.createdAt });
  }
  return out;
}

/** How restore, verify and export pick "latest" from a location's restore points. */
export type LatestRule = (headers: SnapshotHeader[], damaged: string[]) => SnapshotHeader;

/**
 * "latest" is the newest restore point of this profile the history vouches for (latest.ts), the same
 * in restore, verify and export: a restore point whose date was edited is never silently "latest".
 */
export function latestRule(engine: Services, profile: string, location: string, purpose: LatestInput['purpose'] = 'restore'): LatestRule {
  return (headers, damaged) => resolveLatest({ profile, headers, damaged, known: knownBackups(engine, profile, location), purpose });
}

async function resolveSnapshot(engine: Services, repo: Repository, profile: Profile, location: string, snapshot: string): Promise<string> {
  if (snapshot !== 'latest') return snapshot;
  const damaged: string[] = [];
  const headers = await repo.listSnapshots({ onDamaged: (id) => damaged.push(id) });
  return latestRule(engine, profile.name, location)(headers, damaged).id;
}

// Previews kept for "restore.start" (the UI sends back the plan's id, never a plan of its own).
const plans = new WeakMap<Services, Map<string, RestorePlan>>();
const KEEP_PLANS = 20;

function remember(engine: Services, plan: RestorePlan): void {
  let map = plans.get(engine);
  if (!map) plans.set(engine, (map = new Map()));
  map.set(plan.id, plan);
  while (map.size > KEEP_PLANS) map.delete(map.keys().next().value!);
}

export function storedPlan(engine: Services, id: string): RestorePlan {
  const plan = plans.get(engine)?.get(id);
  if (!plan) throw userError('NOT_FOUND', 'Preview no longer available', 'The preview this restore was based on is no longer available (the app was restarted, or many previews were made since).', 'Go back to the preview and look at it again, then start the restore.');
  return plan;
}

export interface PlanInput {
  profile: string;
  snapshot: string;
  scope: RestoreScope;
  passphrase?: string;
}

/** Make the preview; it is remembered so that `startRestoreJob` can follow it exactly. */
export async function planRestore(engine: Services, input: PlanInput, ctx: Pick<OperationContext, 'signal' | 'log'> = { signal: new AbortController().signal, log: () => undefined }): Promise<RestorePlan> {
  const opened = await openForRestore(engine, input.profile, input.passphrase, { mongo: input.scope.database, r2: input.scope.bucket });
  try {
    const header = await opened.repo.readSnapshot(await resolveSnapshot(engine, opened.repo, opened.profile, opened.describe, input.snapshot));
    const index = await indexSnapshot(opened.repo, header, ctx.signal);
    const db = opened.mongo ? opened.mongo.client.db(opened.mongo.database) : null;
    if (db) await cleanupLeftovers(db, { log: (level, m) => engine.log.scope('restore')[level](m) });
    const plan = await buildPlan(
      { repo: opened.repo, index, profile: opened.profile, location: opened.describe, mongo: db ? { db, database: opened.mongo!.database } : null, r2: opened.r2 },
      input.scope,
      ctx,
    );
    remember(engine, plan);
    return plan;
  } finally {
    await opened.close();
  }
}

export interface StartInput {
  plan: RestorePlan;
  removeExtra: boolean;
  safety: SafetyChoice;
  passphrase?: string;
}

export function restoreTitle(plan: RestorePlan): string {
  return `Roll back "${plan.profile}" to the restore point of ${plan.snapshot.createdAt.slice(0, 16).replace('T', ' ')} UTC`;
}

/** A restore that follows a preview, as a job spec. */
export function restoreJob(engine: Services, input: StartInput, testOptions: Partial<RestoreOptions> = {}): JobSpec<RestoreSummary> {
  const { plan } = input;
  const profile = engine.profiles.get(plan.profile);
  registerSecret(engine, input.passphrase);
  if (input.removeExtra && !plan.bucket) throw userError('INVALID_INPUT', 'Nothing to remove', 'This restore does not include the files in R2, so no file can be removed.', 'Leave "remove files" off, or include the files.');
  const summary: RestoreSummary = emptySummary(plan, input.removeExtra);
  const run = async (ctx: OperationContext): Promise<RestoreSummary> => {
    ctx.onProgress({ phase: 'Connecting', message: profile.name });
    const opened = await openForRestore(engine, profile.name, input.passphrase, { mongo: plan.database !== null, r2: plan.bucket !== null });
    try {
      const safetyBackup = async (inner: OperationContext) => {
        const s = await backupProfile(engine, profile.name, { tags: ['pre-restore'], passphrase: input.passphrase }, inner);
        return { id: s.snapshotId, createdAt: s.createdAt };
      };
      return await runRestore(
        { repo: opened.repo, mongo: opened.mongo, r2: opened.r2, safetyBackup },
        plan,
        { removeExtra: input.removeExtra, safety: input.safety, hook: pauseHook(engine.testPauseAt, ctx.signal), ...testOptions },
        ctx,
        summary,
      );
    } finally {
      await opened.close();
    }
  };
  const forHistory = (s: RestoreSummary): RestoreSummary => ({ ...s, plan: planView(s.plan, 100) });
  return {
    kind: 'restore',
    title: restoreTitle(plan),
    profile: profile.name,
    // One writer per backup location (the safety backup writes there) and per installation.
    locks: [locationLockKey(profile), `restore:${profile.name}`],
    run,
    summarize: forHistory,
    verdict: restoreVerdict,
    partialSummary: () => forHistory(summary),
  };
}

export function startRestoreJob(engine: Services, input: StartInput, testOptions: Partial<RestoreOptions> = {}): Job {
  const { plan } = input;
  const job = engine.jobs.start(restoreJob(engine, input, testOptions));
  // A rollback to the restore point taken before an update is recorded on that update.
  void engine.jobs.wait(job.id).then((final) => {
    try {
      noteRollback(engine, plan.profile, plan.snapshot, final);
    } catch (err) {
      engine.log.scope('checklist').warn(`could not record the rollback on the update: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return job;
}

/**
 * Why a safety backup could not be saved in the connection's backup location right now (full or
 * read-only), so that a person hears it before confirming; null when it can. It makes the same test
 * as the restore itself: taking a lock, which writes a small file and removes it again.
 */
export async function safetyBackupObstacle(engine: Services, name: string, passphrase?: string): Promise<UserError | null> {
  const opened = await openProfile(engine, name, { location: true, passphrase });
  try {
    const lock = await acquire(opened.location.store, 'shared', { operation: 'restore', refreshIntervalMs: 0, readOnlyJob: true });
    const reason = lock.withoutFile;
    await lock.release();
    return reason ? safetyImpossible(reason) : null;
  } catch (err) {
    if (err instanceof UserError && err.code === 'BUSY') return null; // the restore itself says so
    throw err;
  } finally {
    await opened.close();
  }
}

/** Maintenance: drop temporary collections of interrupted restores of this profile's database. */
export async function cleanupProfile(engine: Services, name: string): Promise<string[]> {
  return withProfile(engine, name, { mongo: true }, ({ mongo }) => cleanupLeftovers(mongo.client.db(mongo.database), { log: (level, m) => engine.log.scope('restore')[level](m) }));
}
