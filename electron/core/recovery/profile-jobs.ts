// A restore drill of a saved connection, as a job spec (the button, the CLI and the schedule start this
// same one). It takes the backup location's lock key, so it never runs beside a backup, prune or
// restore of the same location, and the test restore's scratch lock of the connection.
import path from 'node:path';
import type { z } from 'zod';
import { UserError } from '../../../shared/errors';
import type { Job } from '../../../shared/jobs';
import type { DrillRequest, DrillResult } from '../../../shared/api/drill';
import { formatDuration } from '../../../shared/format';
import { mongoSource } from '../../../shared/profile';
import type { Services } from '../services';
import type { JobSpec } from '../jobs/manager';
import { locationLockKey } from '../backup/profile-jobs';
import { pauseHook } from '../backup/test-hooks';
import { openProfile, registerSecret } from '../profiles/open';
import { latestRule } from '../restore/profile-jobs';
import { adviceFor } from '../verify/problems';
import { runDrill } from './drill';
import { recoveryHealth } from './evidence';
import { drillReportFileName, renderDrillReport } from './report';

export type DrillInput = z.output<typeof DrillRequest>;

/** Where the drills of a connection put their scratch files: inside the data folder, one folder per connection. */
export function drillScratchRoot(services: Services, profile: string): string {
  return path.join(services.paths.tmp, 'drills', encodeURIComponent(profile));
}

/** A drill that ran to its end and found damage ends as "found problems". */
export function drillFindings(result: DrillResult): UserError | null {
  if (result.ok) return null;
  const first = result.problems[0];
  return new UserError({
    code: 'BACKUP_DAMAGED',
    title: 'The drill found problems',
    message: `The restore drill found ${result.problemCount} ${result.problemCount === 1 ? 'problem' : 'problems'}: this restore point would not come back complete.`,
    hint: first ? adviceFor(first.code) : 'Make a new backup now, then run the drill again.',
    details: result.problems
      .slice(0, 5)
      .map((p) => `${p.code}: ${p.path ?? ''} ${p.message}`.trim())
      .join('\n'),
  });
}

export function drillJob(services: Services, input: DrillInput): JobSpec<DrillResult> {
  const profile = services.profiles.get(input.profile); // an unknown connection fails now, not inside the job
  registerSecret(services, input.passphrase);
  const which = input.snapshot === 'latest' ? 'the latest backup' : `backup ${input.snapshot.slice(0, 8)}`;
  return {
    kind: 'drill',
    title: `Restore drill of ${which} of "${profile.name}"${input.samplePercent < 100 ? ` (${input.samplePercent} % of the files)` : ''}`,
    profile: profile.name,
    locks: [locationLockKey(profile), `verify-scratch:${profile.name}`],
    findings: drillFindings,
    run: async (ctx) => {
      // A connection without MongoDB has no database part to drill (its other sources still are).
      const opened = await openProfile(services, profile.name, { location: true, repository: true, mongo: mongoSource(profile) !== undefined, passphrase: input.passphrase });
      try {
        const result = await runDrill(
          { repo: opened.repo, mongo: opened.mongo ? { client: opened.mongo.client, database: opened.mongo.database } : null, scratchRoot: drillScratchRoot(services, profile.name) },
          {
            profile: profile.name,
            snapshot: input.snapshot,
            latest: latestRule(services, profile.name, opened.location.describe, 'check'),
            samplePercent: input.samplePercent,
            hook: pauseHook(services.testPauseAt, ctx.signal),
          },
          ctx,
        );
        ctx.log(result.ok ? 'info' : 'warn', result.ok ? `Restore drill passed: a full recovery would take about ${formatDuration(result.projectedSeconds)}.` : `Restore drill found ${result.problemCount} problem(s).`);
        return result;
      } finally {
        await opened.close();
      }
    },
  };
}

/** The printable drill report of a connection: its recovery figures and its last 20 drills. */
export function drillReport(services: Services, profile: string, now = new Date()): { fileName: string; html: string } {
  const name = services.profiles.get(profile).name;
  const drills = services.history.list({ kind: 'drill', profile: name, limit: 20, status: ['succeeded', 'problems', 'failed'] }).items;
  const generatedAt = now.toISOString();
  return { fileName: drillReportFileName(name, generatedAt), html: renderDrillReport({ profile: name, recovery: recoveryHealth(services, name, now), drills, generatedAt }) };
}

export function startDrillJob(services: Services, input: DrillInput): Job {
  return services.jobs.start(drillJob(services, input));
}
