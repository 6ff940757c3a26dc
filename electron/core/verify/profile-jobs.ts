// Verification for a saved profile, as a job: open the profile's backup location, verify, and keep what
// was proved in the history (the job's summary, the restore points' verified state, the sampled slice).
// Shared by the API handlers and the CLI, so both behave the same.
import type { z } from 'zod';
import { UserError } from '../../../shared/errors';
import type { Job, OperationContext } from '../../../shared/jobs';
import type { VerifyRequest, VerifyResult, VerifyTargets } from '../../../shared/api/verify';
import type { Services } from '../services';
import { pauseHook } from '../backup/test-hooks';
import { latestRule } from '../restore/profile-jobs';
import { adviceFor } from './problems';
import type { JobSpec } from '../jobs/manager';
import { openProfile, registerSecret } from '../profiles/open';
import { percentOf } from './sample';
import { VerifyStateStore } from './state';
import { verifyBackup } from './verify';

export type VerifyInput = z.output<typeof VerifyRequest>;

const DEPTH_WORD = { quick: 'Quick check', sampled: 'Sampled check', full: 'Full check' } as const;

export function verifyTitle(input: Pick<VerifyInput, 'profile' | 'snapshot' | 'depth' | 'testRestore'>): string {
  const which = input.snapshot === 'latest' ? 'the latest backup' : input.snapshot === 'all' ? 'all backups' : `backup ${input.snapshot.slice(0, 8)}`;
  return `${DEPTH_WORD[input.depth]}${input.testRestore ? ' with test restore' : ''} of ${which} of "${input.profile}"`;
}

/** A finished verification that found problems is a failed job, with its list of problems kept. */
export function verifyVerdict(result: VerifyResult): UserError | null {
  if (result.ok) return null;
  const first = result.problems[0];
  return new UserError({
    code: 'BACKUP_DAMAGED',
    title: 'Problems found',
    message: `Verification found ${result.problemCount} ${result.problemCount === 1 ? 'problem' : 'problems'} in the backup.`,
    hint: first ? adviceFor(first.code) : 'Make a new backup now.',
    details: result.problems
      .slice(0, 5)
      .map((p) => `${p.code}: ${p.path ?? p.file ?? ''} ${p.blob ?? ''}`.trim())
      .join('\n'),
  });
}

export async function runVerify(engine: Services, input: VerifyInput, ctx: OperationContext): Promise<VerifyResult> {
  const state = new VerifyStateStore(engine.historyDb);
  if (input.testRestore) ctx.onProgress({ phase: 'Connecting to MongoDB', message: input.profile });
  // Only the backup location, unless a test restore needs MongoDB: verification must work while the
  // database or R2 is down, which is exactly when people want to know whether their backups are good.
  const opened = await openProfile(engine, input.profile, { location: true, mongo: input.testRestore, passphrase: input.passphrase });
  const location = { ...opened.location, profile: opened.profile };
  try {
    const core = await verifyBackup(
      { store: location.store, passphrase: opened.passphrase, mongo: opened.mongo?.client ?? null, mongoDatabase: opened.mongo?.database },
      {
        snapshot: input.snapshot,
        depth: input.depth,
        profile: location.profile.name,
        slice: (repoId) => state.nextSlice(repoId, input.samplePercent),
        testRestore: input.testRestore,
        hook: pauseHook(engine.testPauseAt, ctx.signal),
        latest: latestRule(engine, location.profile.name, location.describe, 'check'),
      },
      ctx,
    );
    // Only a verification that ran to its end is recorded: a cancelled one proves nothing.
    const at = new Date().toISOString();
    state.record({ repoId: core.repoId, profile: location.profile.name, opId: ctx.jobId ?? null, at, depth: input.depth, testRestore: input.testRestore, snapshots: core.snapshots });
    let sample: VerifyResult['sample'] = null;
    if (core.slice) {
      const coverage = state.advance(core.repoId, core.slice, at);
      sample = { fromPercent: percentOf(core.slice.from), toPercent: percentOf(core.slice.from + core.slice.length), ...coverage };
    } else if (input.depth === 'full' && input.snapshot === 'all') {
      state.markComplete(core.repoId, at);
    }
    const { slice: _slice, ...rest } = core;
    ctx.log(core.ok ? 'info' : 'warn', core.ok ? `Verified ${core.checked.snapshots} restore point(s): no problems.` : `Verification found ${core.problemCount} problem(s).`);
    return { ...rest, samplePercent: input.depth === 'sampled' ? input.samplePercent : null, sample };
  } finally {
    await opened.close();
  }
}

/** A verification as a job spec: the button, the CLI and the schedule start this same one. */
export function verifyJob(engine: Services, input: VerifyInput): JobSpec<VerifyResult> {
  const profile = engine.profiles.get(input.profile); // an unknown profile fails now, not inside the job
  registerSecret(engine, input.passphrase);
  return {
    kind: 'verify',
    title: verifyTitle(input),
    profile: profile.name,
    // Only the test restore writes (to its scratch collections); reading a location needs no job lock.
    locks: input.testRestore ? [`verify-scratch:${profile.name}`] : [],
    run: (ctx) => runVerify(engine, { ...input, profile: profile.name }, ctx),
    verdict: verifyVerdict,
  };
}

export function startVerifyJob(engine: Services, input: VerifyInput): Job {
  return engine.jobs.start(verifyJob(engine, input));
}

/** The restore points a profile can verify, newest first, each with its latest verification. */
export async function verifyTargets(engine: Services, name: string, passphrase?: string): Promise<VerifyTargets> {
  const opened = await openProfile(engine, name, { repository: true, passphrase });
  const location = { ...opened.location, profile: opened.profile };
  const { repo } = opened;
  try {
    const damaged: string[] = [];
    const headers = await repo.listSnapshots({ onDamaged: (id) => damaged.push(id) });
    const verified = new VerifyStateStore(engine.historyDb).latestByProfile(location.profile.name);
    return {
      location: location.describe,
      // Only this connection's restore points: another connection's would prove nothing about this one.
      snapshots: headers.filter((h) => h.profile === location.profile.name).reverse().map((h) => ({
        id: h.id,
        createdAt: h.createdAt,
        tags: h.tags,
        profile: h.profile,
        entries: h.stats.entries,
        bytes: h.stats.bytes,
        hasDatabase: h.stats.sources.some((s) => s.kind === 'mongo'),
        verification: verified[h.id] ?? null,
      })),
      damaged,
    };
  } finally {
    await opened.close();
  }
}
