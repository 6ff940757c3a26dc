// Verification for a saved profile, as a job: open the profile's backup location, verify, and keep what
// was proved in the history (the job's summary, the restore points' verified state, the sampled slice).
// Shared by the API handlers and the CLI, so both behave the same.
import type { z } from 'zod';
import { UserError } from '../../../shared/errors';
import type { Job, OperationContext } from '../../../shared/jobs';
import type { VerifyRequest, VerifyResult, VerifyTargets } from '../../../shared/api/verify';
import type { Engine } from '../engine';
import { Repository } from '../repository';
import { latestRule } from '../restore/profile-jobs';
import { adviceFor } from './problems';
import { connectProfileMongo, openProfileLocation, type ProfileMongo } from './profile-location';
import { percentOf } from './sample';
import { VerifyStateStore } from './state';
import { verifyBackup } from './verify';

export type VerifyInput = z.output<typeof VerifyRequest>;

const DEPTH_WORD = { quick: 'Quick check', sampled: 'Sampled check', full: 'Full check' } as const;

export function verifyTitle(input: Pick<VerifyInput, 'profile' | 'snapshot' | 'depth' | 'testRestore'>): string {
  const which = input.snapshot === 'latest' ? 'the latest backup' : input.snapshot === 'all' ? 'all backups' : `backup ${input.snapshot.slice(0, 8)}`;
  return `${DEPTH_WORD[input.depth]}${input.testRestore ? ' with test restore' : ''} of ${which} of "${input.profile}"`;
}

/** A verification that ran to its end and found damage ends as "found problems", with its list kept. */
export function verifyFindings(result: VerifyResult): UserError | null {
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

export async function runVerify(engine: Engine, input: VerifyInput, ctx: OperationContext, jobId: () => string | null): Promise<VerifyResult> {
  const state = new VerifyStateStore(engine.historyDb);
  const location = await openProfileLocation(engine, input.profile, input.passphrase);
  let mongo: ProfileMongo | null = null;
  try {
    if (input.testRestore) {
      ctx.onProgress({ phase: 'Connecting to MongoDB', message: input.profile });
      mongo = await connectProfileMongo(engine, location.profile);
    }
    const core = await verifyBackup(
      { store: location.store, passphrase: location.passphrase, mongo: mongo?.client ?? null },
      {
        snapshot: input.snapshot,
        depth: input.depth,
        profile: location.profile.name,
        slice: (repoId) => state.nextSlice(repoId, input.samplePercent),
        testRestore: input.testRestore,
        latest: latestRule(engine, location.profile.name, location.describe, 'check'),
      },
      ctx,
    );
    // Only a verification that ran to its end is recorded: a cancelled one proves nothing.
    const at = new Date().toISOString();
    state.record({ repoId: core.repoId, profile: location.profile.name, opId: jobId(), at, depth: input.depth, testRestore: input.testRestore, snapshots: core.snapshots });
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
    location.close();
    await mongo?.close();
  }
}

export function startVerifyJob(engine: Engine, input: VerifyInput): Job {
  const profile = engine.profiles.get(input.profile); // an unknown profile fails now, not inside the job
  if (input.passphrase) engine.secrets.add(input.passphrase);
  let jobId: string | null = null;
  const job = engine.jobs.start({
    kind: 'verify',
    title: verifyTitle(input),
    profile: profile.name,
    // Only the test restore writes (to its scratch database); reading a location needs no job lock.
    locks: input.testRestore ? [`verify-scratch:${profile.name}`] : [],
    run: (ctx) => runVerify(engine, { ...input, profile: profile.name }, ctx, () => jobId),
    findings: verifyFindings,
  });
  jobId = job.id;
  return job;
}

/** The restore points a profile can verify, newest first, each with its latest verification. */
export async function verifyTargets(engine: Engine, name: string, passphrase?: string): Promise<VerifyTargets> {
  const location = await openProfileLocation(engine, name, passphrase);
  try {
    const repo = await Repository.open(location.store, { passphrase: location.passphrase });
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
    location.close();
  }
}
