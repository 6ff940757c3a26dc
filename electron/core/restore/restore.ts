// A restore, following a plan exactly. In order, so that whatever happens nothing is ever left half:
//   1. check every piece of the restore point the plan needs (damage, or a document that cannot be
//      written back exactly → stop; nothing changed);
//   2. the safety backup of what exists now (tagged pre-restore; failure → stop; nothing changed);
//   3. build every collection in a temporary collection (failure or cancel → temporaries dropped;
//      the database unchanged);
//   4. put the objects back (before the database switches, so restored file records find their files);
//   5. switch each collection in with one atomic rename, recreate the views — not interrupted by
//      Cancel (it takes moments), so the database is not left a mix of old and new collections;
//   6. remove the extra objects, if the person chose that; 7. the folders; 8. check the result.
// The summary is filled in as it goes, so a failed or cancelled restore still says what it did.
import type { Db, MongoClient } from 'mongodb';
import { RESTORE_PHASES, type RestorePlan, type RestoreSummary, type SafetyChoice } from '../../../shared/api/restore';
import { UserError, userError } from '../../../shared/errors';
import type { OperationContext } from '../../../shared/jobs';
import { acquire, withoutFileNote, type AcquireOptions, type NoLockFileReason, type R2ObjectEntry, type Repository } from '../repository';
import { errorText } from '../sources/retry';
import { readPrivileges } from '../connections/mongo-privileges';
import { checkRestorePoint, plannedSources } from './check';
import { cleanupLeftovers, dropTemps, RestoreRun } from './cleanup';
import { restoreFolders, type FolderRestoreResult } from './folders-restore';
import { DATABASE_PHASE, SWITCH_PHASE, clearNamesInTheWay, recreateView, restoreTimeseries, stageCollection, swapIn, viewOrder, writeLimits, type StagedCollection } from './mongo-restore';
import { putObjects, removeObjects, type R2RestoreOptions } from './r2-restore';
import type { LiveBucket } from './r2-live';
import { indexSnapshot, readMetadata, type SnapshotIndex } from './snapshot-index';
import { verifyRestore } from './verify-after';
import { kindModule, type KindRestoreOptions } from '../sources/kind';

export interface RestoreDeps {
  repo: Repository;
  mongo: { client: MongoClient; database: string } | null;
  r2: LiveBucket | null;
  /** Takes the safety backup of what exists now (tagged pre-restore) and says which restore point it is. */
  safetyBackup?: (ctx: OperationContext) => Promise<{ id: string; createdAt: string }>;
}

export interface RestoreOptions {
  removeExtra: boolean;
  safety: SafetyChoice;
  r2?: R2RestoreOptions;
  /** Test hook at named points (see backup/test-hooks.ts). */
  hook?: (point: string) => Promise<void>;
  lockOptions?: Omit<AcquireOptions, 'signal' | 'operation' | 'conflictsWith' | 'log'>;
  /** The sources restored by their kind (a SQLite database): how long to wait for the app to close a file. */
  sources?: Omit<KindRestoreOptions, 'hook'>;
}

export function emptySummary(plan: RestorePlan, removeExtra: boolean): RestoreSummary {
  return {
    plan,
    removeExtra,
    safetySnapshot: null,
    stage: 'checking',
    database: { restored: [], views: [], failed: [], notRestored: (plan.database?.collections ?? []).filter((c) => c.action !== 'skip').map((c) => c.name) },
    bucket: { put: 0, putBytes: 0, failed: [], removed: 0, removeFailed: [], notDone: plan.bucket?.put.count ?? 0 },
    folders: { written: 0, bytes: 0, failed: [] },
    verification: null,
    ...(plan.sources ? { sources: [] } : {}),
    durationMs: 0,
  };
}

/** A finished restore with something not done or not proven is a failed job, its summary kept. */
export function restoreVerdict(s: RestoreSummary): UserError | null {
  const problems: string[] = [];
  if (s.database.failed.length > 0) problems.push(`${s.database.failed.length} collection(s) or view(s) could not be restored`);
  if (s.bucket.failed.length > 0) problems.push(`${s.bucket.failed.length} file(s) could not be put back in R2`);
  if (s.bucket.removeFailed.length > 0) problems.push(`${s.bucket.removeFailed.length} file(s) could not be removed from R2`);
  if (s.folders.failed.length > 0) problems.push(`${s.folders.failed.length} configuration file(s) could not be written`);
  const sourcesFailed = (s.sources ?? []).filter((x) => !x.ok);
  if (sourcesFailed.length > 0) problems.push(`${sourcesFailed.length} database(s) could not be put back (${sourcesFailed.map((x) => x.name).join(', ')})`);
  if (s.verification && !s.verification.ok) problems.push('the check afterwards found differences');
  if (problems.length === 0) return null;
  const undo = s.safetySnapshot ? ` What existed before is saved in the restore point of ${s.safetySnapshot.createdAt}.` : '';
  return new UserError({
    code: 'RESTORE_INCOMPLETE',
    title: 'Restore not complete',
    message: `The restore finished, but ${problems.join(', and ')}.${undo}`,
    hint: 'Run the restore again (it only puts back what is still different). If it keeps failing, export a support bundle and send it to whoever helps you.',
    details: [...s.database.failed, ...s.bucket.failed, ...sourcesFailed, ...s.folders.failed].slice(0, 10).map((f) => `${f.name}: ${f.message}`).join('\n') || undefined,
  });
}

export async function runRestore(deps: RestoreDeps, plan: RestorePlan, options: RestoreOptions, ctx: OperationContext, summary: RestoreSummary = emptySummary(plan, options.removeExtra)): Promise<RestoreSummary> {
  const started = Date.now();
  const { repo } = deps;
  // Reading the restore point needs no space: a full or read-only drive still allows a rollback.
  const lock = await acquire(repo.store, 'shared', { ...options.lockOptions, signal: ctx.signal, operation: 'restore', log: ctx.log, readOnlyJob: true });
  try {
    if (lock.withoutFile) {
      // The safety backup would be written to the same drive: say so now, before anything changes.
      if (options.safety.mode === 'take') throw safetyImpossible(lock.withoutFile);
      summary.notes = [withoutFileNote(lock.withoutFile, 'restore')];
    }
    repo.invalidateBlobCache();
    const header = await repo.readSnapshot(plan.snapshot.id);
    const index = await indexSnapshot(repo, header, ctx.signal);

    // 1. Nothing changes before every needed piece has been read back intact, and every document
    //    shown to go back exactly as it was backed up.
    await checkRestorePoint(repo, plan, index, ctx);

    // Sources restored by their kind say now, before the safety backup, when they cannot go ahead (an app has its file open).
    const kindOptions: KindRestoreOptions = { ...options.sources, hook: options.hook };
    for (const source of plannedSources(plan.sources)) await kindModule(source.kind)?.precheck?.(source, kindOptions);

    // Leftovers of an interrupted restore go first, so the safety backup does not keep them.
    const db = deps.mongo && plan.database ? deps.mongo.client.db(deps.mongo.database) : null;
    if (db) {
      const dropped = await cleanupLeftovers(db, { log: ctx.log });
      if (dropped.length > 0) ctx.log('info', `Removed ${dropped.length} temporary collection(s) of an earlier, interrupted restore.`);
    }

    // 2. The safety backup.
    summary.stage = 'safety';
    await safety(deps, options.safety, summary, ctx);
    if (lock.lost) throw lock.lost;

    const live = deps.r2 && plan.bucket ? deps.r2 : null;
    if ((plan.database && !db) || (plan.bucket && !live)) throw new Error('runRestore: the plan needs connections that were not given');

    // 3. Every collection built aside; 4. objects; 5. switch.
    summary.stage = 'database';
    const run = db ? await RestoreRun.begin(db, plan.profile) : null;
    const temps = new Set<string>();
    try {
      const staged = db && run ? await stageAll(repo, db, run.id, plan, index, ctx, options, temps) : [];
      if (live && plan.bucket) {
        summary.stage = 'bucket';
        const entries = plan.bucket.put.items.map((p) => index.objects.get(p.key)).filter((e): e is R2ObjectEntry => e !== undefined);
        await putObjects(repo, live, entries, ctx, summary.bucket, { ...options.r2, hook: options.r2?.hook ?? options.hook });
      }
      if (db) {
        summary.stage = 'switching';
        await switchAll(db, plan, index, repo, staged, summary, ctx, options, temps);
      }
    } catch (err) {
      if (db) await dropTemps(db, temps, ctx.log);
      throw err;
    } finally {
      await run?.end().catch((err: unknown) => ctx.log('warn', `Could not remove the restore's registration (${errorText(err)}); it is removed at the next restore.`));
    }

    // 6. Extra objects, only as planned and chosen.
    if (live && plan.bucket && options.removeExtra && plan.bucket.extra.count > 0) {
      ctx.signal.throwIfAborted();
      await removeObjects(live, plan.bucket.extra.items.map((e) => e.key), ctx, summary.bucket);
    }

    // 7. Sources restored by their kind (a SQLite database: written beside the live file, checked, swapped in).
    if (plannedSources(plan.sources).length > 0) {
      summary.stage = 'sources';
      for (const source of plannedSources(plan.sources)) {
        ctx.signal.throwIfAborted();
        const module = kindModule(source.kind);
        if (!module?.restore) throw new Error(`runRestore: no restore for the source kind ${source.kind}`);
        try {
          summary.sources = [...(summary.sources ?? []), await module.restore(source, { repo, index, ctx }, kindOptions)];
        } catch (err) {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          summary.sources = [...(summary.sources ?? []), { kind: source.kind, name: source.name, target: source.target, ok: false, message: errorText(err), safetyCopy: null }];
          ctx.log('warn', `Could not put back ${source.name}: ${errorText(err)}`);
        }
      }
    }

    // 8. Folders.
    const folderResult: FolderRestoreResult = { written: 0, bytes: 0, failed: summary.folders.failed, files: [] };
    if (plan.folders) {
      summary.stage = 'folders';
      await restoreFolders(repo, plan.folders.items, (name) => index.folders.get(name) ?? [], ctx, folderResult);
      summary.folders.written = folderResult.written;
      summary.folders.bytes = folderResult.bytes;
    }

    // 9. Proof.
    summary.stage = 'verifying';
    summary.verification = await verifyRestore({ repo, index, db, live, files: folderResult.files }, plan, summary, ctx);
    summary.stage = 'done';
    ctx.log(summary.verification.ok ? 'info' : 'warn', summary.verification.ok ? 'The result was checked against the restore point: it matches.' : 'The check afterwards found differences; see the summary.');
    return summary;
  } finally {
    summary.durationMs = Date.now() - started;
    await lock.release().catch((err: unknown) => ctx.log('warn', `Could not remove the lock file (${errorText(err)}); it expires by itself.`));
  }
}


/** A safety backup cannot be saved on a full or read-only drive: refused before anything changes. */
export function safetyImpossible(reason: NoLockFileReason): UserError {
  const why = reason === 'full' ? 'The backup drive is full' : 'The backup location is read-only';
  return new UserError({
    code: reason === 'full' ? 'DEST_FULL' : 'DEST_NOT_WRITABLE',
    title: 'Safety backup not possible',
    message: `${why}, so the safety backup of what exists now cannot be saved there. The restore did not start; nothing was changed.`,
    hint: `${reason === 'full' ? 'Free some space on the backup drive' : 'Make the backup drive writable'} and try again, or restore without the safety backup (then this restore cannot be undone): turn the safety backup off in the restore step, or add --no-safety-snapshot to the command.`,
  });
}

async function safety(deps: RestoreDeps, choice: SafetyChoice, summary: RestoreSummary, ctx: OperationContext): Promise<void> {
  if (choice.mode === 'skip') {
    ctx.log('warn', 'No safety backup was made, as chosen: this restore cannot be undone from a restore point of just before.');
    return;
  }
  if (choice.mode === 'taken') {
    const header = await deps.repo.readSnapshot(choice.snapshotId);
    if (!header.tags.includes('pre-restore')) {
      throw userError('INVALID_INPUT', 'Not a safety backup', 'The restore point given as the safety backup was not made before a restore.', 'Make the safety backup again (or let the restore make it).');
    }
    summary.safetySnapshot = { id: header.id, createdAt: header.createdAt };
    return;
  }
  if (!deps.safetyBackup) throw new Error('runRestore: a safety backup was asked for but cannot be made here');
  const prefixed: OperationContext = { ...ctx, onProgress: (u) => ctx.onProgress(u.phase ? { ...u, phase: `${RESTORE_PHASES.safety}: ${u.phase.charAt(0).toLowerCase()}${u.phase.slice(1)}` } : u) };
  try {
    summary.safetySnapshot = await deps.safetyBackup(prefixed);
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const e = err instanceof UserError ? err.toJSON() : null;
    throw new UserError(
      {
        code: e?.code ?? 'INTERNAL',
        title: 'Safety backup failed',
        message: `The backup of what exists now failed, so the restore did not start. Nothing was changed.${e ? ` ${e.message}` : ''}`,
        hint: e?.hint ?? 'Try again. If it keeps happening, export a support bundle from the Support page.',
        details: e?.details,
      },
      { cause: err },
    );
  }
  ctx.log('info', `Saved what existed before the restore as restore point ${summary.safetySnapshot.id}.`);
}

async function stageAll(repo: Repository, db: Db, runId: string, plan: RestorePlan, index: SnapshotIndex, ctx: OperationContext, options: RestoreOptions, temps: Set<string>): Promise<StagedCollection[]> {
  const wanted = plan.database!.collections.filter((c) => c.kind === 'collection' && c.action !== 'skip');
  const total = wanted.reduce((n, c) => n + c.docsInSnapshot, 0);
  const bytesTotal = wanted.reduce((n, c) => n + c.bytes, 0);
  let done = 0;
  let bytesDone = 0;
  ctx.onProgress({ phase: DATABASE_PHASE, unit: 'documents', done, total, bytesDone, bytesTotal, message: '' });
  const limits = await writeLimits(db);
  const privileges = await readPrivileges(db).catch(() => null);
  const mode = { bypassValidation: !privileges || !privileges.enforced || privileges.bypassValidation, privileges };
  const staged: StagedCollection[] = [];
  for (const c of wanted) {
    const entry = index.collections.get(c.name)!;
    const meta = await readMetadata(repo, index.metadata.get(c.name));
    const progress = (docs: number, bytes: number, name: string) => {
      done += docs;
      bytesDone += bytes;
      ctx.onProgress({ done, bytesDone, message: name });
    };
    staged.push(await stageCollection(repo, db, runId, entry, meta, limits, ctx, progress, options.hook, (t) => temps.add(t), mode));
    ctx.log('info', `Prepared ${c.name}: ${entry.docs} documents (not switched in yet).`);
  }
  return staged;
}

async function switchAll(db: Db, plan: RestorePlan, index: SnapshotIndex, repo: Repository, staged: StagedCollection[], summary: RestoreSummary, ctx: OperationContext, options: RestoreOptions, temps: Set<string>): Promise<void> {
  // Last chance to cancel with the database untouched; after this the switch runs to its end.
  ctx.signal.throwIfAborted();
  const views = plan.database!.collections.filter((c) => c.action === 'view');
  ctx.onProgress({ phase: SWITCH_PHASE, unit: 'collections', done: 0, total: staged.length + views.length + plan.database!.collections.filter((c) => c.kind === 'timeseries' && c.action !== 'skip').length, bytesDone: 0, bytesTotal: null, message: '' });
  let done = 0;
  for (const c of await clearNamesInTheWay(db, staged)) {
    ctx.log('info', `"${c.name}" was a ${c.type === 'view' ? 'view' : 'time-series collection'}; it was removed so that the restored collection can take its name (the safety backup keeps it).`);
  }
  for (const s of staged) {
    await swapIn(db, s);
    temps.delete(s.temp);
    summary.database.restored.push({ name: s.name, docs: s.docs });
    if (s.notes) summary.notes = [...(summary.notes ?? []), ...s.notes];
    summary.database.notRestored = summary.database.notRestored.filter((n) => n !== s.name);
    ctx.log('info', `Switched to the restored ${s.name} (${s.docs} documents).`);
    ctx.onProgress({ done: ++done, message: s.name });
    await options.hook?.('restore-mongo-swapped');
  }
  const timeseries = plan.database!.collections.filter((c) => c.kind === 'timeseries' && c.action !== 'skip');
  const limits = timeseries.length > 0 ? await writeLimits(db) : null;
  for (const t of timeseries) {
    try {
      const restored = await restoreTimeseries(repo, db, index.timeseries.get(t.name)!, t.name, await readMetadata(repo, index.metadata.get(t.name)), limits!, ctx);
      summary.database.restored.push({ name: t.name, docs: restored.docs });
      summary.database.notRestored = summary.database.notRestored.filter((n) => n !== t.name);
      if (restored.notes) summary.notes = [...(summary.notes ?? []), ...restored.notes];
      ctx.log('info', `Restored the time-series collection ${t.name} (${restored.docs} buckets).`);
    } catch (err) {
      summary.database.failed.push({ name: t.name, message: `The time-series collection could not be restored: ${errorText(err)}` });
    }
    ctx.onProgress({ done: ++done, message: t.name });
  }
  const defs = await Promise.all(views.map(async (v) => ({ name: v.name, options: (await readMetadata(repo, index.metadata.get(v.name))).options })));
  for (const v of viewOrder(defs)) {
    try {
      await recreateView(db, v.name, v.options);
      summary.database.views.push(v.name);
      summary.database.notRestored = summary.database.notRestored.filter((n) => n !== v.name);
    } catch (err) {
      summary.database.failed.push({ name: v.name, message: `The view could not be recreated: ${errorText(err)}` });
    }
    ctx.onProgress({ done: ++done, message: v.name });
  }
}
