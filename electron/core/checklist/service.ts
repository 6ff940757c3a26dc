// The pre-update checklist for the API and the CLI: open an update record, run its checks as jobs,
// save what a person confirms, declare it ready, close it. Both hosts behave the same through here.
import { readiness, type ChecklistJobSummary, type UpdateRecord } from '../../../shared/api/checklist';
import { userError } from '../../../shared/errors';
import type { Job, OperationContext } from '../../../shared/jobs';
import type { Services } from '../services';
import { openProfile, registerSecret } from '../profiles/open';
import { runAfter } from './after';
import { runBefore, runQuietCheck, type BeforeInput } from './before';
import { isOk, sortChecks } from './check';
import { backUpAndVerify } from './prepare-backup';
import { UpdateRecordStore, requireOpen } from './records';

export function recordStore(engine: Services): UpdateRecordStore {
  return new UpdateRecordStore(engine.historyDb);
}

/** One checklist job per installation at a time: two runs would fight over the same record. */
const lockOf = (profile: string) => `checklist:${profile}`;

function start(engine: Services, record: UpdateRecord, title: string, run: (ctx: OperationContext) => Promise<ChecklistJobSummary>): Job {
  return engine.jobs.start({ kind: 'checklist', title, profile: record.profile, locks: [lockOf(record.profile)], run });
}

export function openUpdate(engine: Services, profile: string): UpdateRecord {
  const p = engine.profiles.get(profile); // an unknown profile fails here
  return recordStore(engine).open(p.name);
}

export function startBeforeJob(engine: Services, id: string, input: BeforeInput): Job {
  const store = recordStore(engine);
  const record = requireOpen(store.get(id));
  registerSecret(engine, input.passphrase);
  return start(engine, record, `Checks before updating "${record.profile}"`, (ctx) => runBefore(engine, store, id, input, ctx));
}

export function startAfterJob(engine: Services, id: string, input: { toVersion?: string }): Job {
  const store = recordStore(engine);
  const record = requireOpen(store.get(id));
  return start(engine, record, `Checks after updating "${record.profile}"`, (ctx) => runAfter(engine, store, id, input, ctx));
}

export function startPrepareBackupJob(engine: Services, id: string, passphrase?: string): Job {
  const store = recordStore(engine);
  const record = requireOpen(store.get(id));
  registerSecret(engine, passphrase);
  return start(engine, record, `Back up and verify before updating "${record.profile}"`, (ctx) => backUpAndVerify(engine, store, id, passphrase, ctx));
}

/** The optional "nothing writes" check on its own (asked for after the person stopped PCI File Manager). */
export function startQuietJob(engine: Services, id: string, seconds: number): Job {
  const store = recordStore(engine);
  const record = requireOpen(store.get(id));
  const profile = engine.profiles.get(record.profile);
  return start(engine, record, `Watch "${record.profile}"'s database for writes`, async (ctx) => {
    ctx.onProgress({ phase: 'Watching the database for writes', done: 0, total: seconds, unit: 'seconds' });
    const opened = await openProfile(engine, profile, { mongo: true });
    let check;
    try {
      check = await runQuietCheck(opened.mongo, seconds, ctx);
    } finally {
      await opened.close();
    }
    // The result joins the before-checks (replacing an earlier one).
    const current = store.get(id);
    if (current.before) {
      const checks = sortChecks([...current.before.checks.filter((c) => c.id !== 'quiet'), check]);
      store.patch(id, { before: { ...current.before, checks } });
    }
    return { recordId: id, phase: 'quiet', ok: isOk([check]), checks: [check] };
  });
}

export interface RecordChanges {
  fromVersion?: string | null;
  toVersion?: string | null;
  confirmations?: UpdateRecord['confirmations'];
  acknowledge?: string[];
  notes?: string;
}

export function changeRecord(engine: Services, id: string, changes: RecordChanges): UpdateRecord {
  const store = recordStore(engine);
  const record = requireOpen(store.get(id));
  const acknowledged = { ...record.acknowledged };
  for (const checkId of changes.acknowledge ?? []) {
    const check = record.before?.checks.find((c) => c.id === checkId && c.status === 'warn');
    if (!check) throw userError('INVALID_INPUT', 'Nothing to accept', 'This warning is not (or no longer) shown.', 'Run the checks again and look at the warnings shown.');
    acknowledged[checkId] = check.message;
  }
  return store.patch(id, {
    fromVersion: changes.fromVersion,
    toVersion: changes.toVersion,
    confirmations: changes.confirmations ? { ...record.confirmations, ...changes.confirmations } : undefined,
    acknowledged: changes.acknowledge ? acknowledged : undefined,
    notes: changes.notes,
  });
}

export function markReady(engine: Services, id: string): UpdateRecord {
  const store = recordStore(engine);
  const record = requireOpen(store.get(id));
  if (record.status === 'updating') return record;
  const r = readiness(record);
  if (!r.ready) {
    throw userError('INVALID_INPUT', 'Not ready yet', `Not ready to update yet: ${r.blockers[0]}`, 'Finish the steps shown in the checklist first.', r.blockers.join('\n'));
  }
  engine.log.scope('checklist').info(`update of "${record.profile}" declared ready (from ${record.fromVersion ?? '?'}, restore point ${record.snapshotId ?? '-'})`);
  return store.patch(id, { status: 'updating', readyAt: new Date().toISOString() });
}

export function finishUpdate(engine: Services, id: string, notes?: string): UpdateRecord {
  const store = recordStore(engine);
  requireOpen(store.get(id));
  return store.patch(id, { status: 'finished', finishedAt: new Date().toISOString(), notes });
}

export function abandonUpdate(engine: Services, id: string): UpdateRecord {
  const store = recordStore(engine);
  requireOpen(store.get(id));
  return store.patch(id, { status: 'abandoned', finishedAt: new Date().toISOString() });
}

/** Save PCI File Manager's health address and version file in the profile (both optional). */
export async function setAppSettings(engine: Services, name: string, settings: { healthUrl: string | null; versionFile: string | null }): Promise<{ healthUrl: string | null; versionFile: string | null }> {
  const profile = engine.profiles.get(name);
  const app = { ...(settings.healthUrl ? { healthUrl: settings.healthUrl } : {}), ...(settings.versionFile ? { versionFile: settings.versionFile } : {}) };
  const saved = await engine.profiles.save({ ...profile, app });
  engine.log.scope('checklist').info(`saved PCI File Manager settings of "${saved.name}"`);
  return { healthUrl: saved.app.healthUrl ?? null, versionFile: saved.app.versionFile ?? null };
}
