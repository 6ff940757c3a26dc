// Export and mongodump import for a saved profile, as jobs (shared by the API handlers and the CLI).
import path from 'node:path';
import type { ExportResult, ImportResult } from '../../../shared/api/export';
import type { Job } from '../../../shared/jobs';
import type { Services } from '../services';
import { locationLockKey } from '../backup/profile-jobs';
import { pauseHook } from '../backup/test-hooks';
import type { JobSpec } from '../jobs/manager';
import { openProfile, registerSecret } from '../profiles/open';
import { withoutFileNote } from '../repository';
import { latestRule } from '../restore/profile-jobs';
import { lockShared } from '../verify/verify';
import { exportSnapshot } from './export';
import { PARTIALS_DIR } from './partials';
import { importMongodump } from './import-mongodump';

export interface ImportInput {
  profile: string;
  from: string;
  passphrase?: string;
}

export interface ExportInput {
  profile: string;
  snapshot: string;
  to: string;
  zip: boolean;
  passphrase?: string;
}

/** An export as a job spec (the button and the CLI start this same one). */
export function exportJob(engine: Services, input: ExportInput): JobSpec<ExportResult> {
  const profile = engine.profiles.get(input.profile);
  registerSecret(engine, input.passphrase);
  return {
    kind: 'export',
    title: `Export of ${input.snapshot === 'latest' ? 'the latest backup' : `backup ${input.snapshot.slice(0, 8)}`} of "${profile.name}"${input.zip ? ' as a zip file' : ''}`,
    profile: profile.name,
    run: async (ctx): Promise<ExportResult> => {
      const opened = await openProfile(engine, profile, { repository: true, passphrase: input.passphrase });
      const { repo, location } = opened;
      try {
        const lock = await lockShared(location.store, ctx, 'export'); // prune must not delete what is being read
        try {
          const partialsDir = path.join(engine.paths.home, PARTIALS_DIR);
          const result = await exportSnapshot(repo, { snapshot: input.snapshot, to: input.to, zip: input.zip, profile: profile.name, tmpDir: engine.paths.tmp, partialsDir, hook: pauseHook(engine.testPauseAt, ctx.signal), latest: latestRule(engine, profile.name, location.describe, 'export') }, ctx);
          return lock.withoutFile ? { ...result, notes: [...(result.notes ?? []), withoutFileNote(lock.withoutFile, 'export')] } : result;
        } finally {
          await lock.release().catch(() => undefined);
        }
      } finally {
        await opened.close();
      }
    },
  };
}

export function startExportJob(engine: Services, input: ExportInput): Job {
  return engine.jobs.start(exportJob(engine, input));
}

/** An import of a mongodump folder as a job spec. */
export function importJob(engine: Services, input: ImportInput): JobSpec<ImportResult> {
  const profile = engine.profiles.get(input.profile);
  registerSecret(engine, input.passphrase);
  return {
    kind: 'import',
    title: `Import of a mongodump folder into the backups of "${profile.name}"`,
    profile: profile.name,
    locks: [locationLockKey(profile)],
    run: async (ctx): Promise<ImportResult> => {
      const opened = await openProfile(engine, profile, { repository: 'create', passphrase: input.passphrase });
      try {
        return await importMongodump(opened.repo, { from: input.from, profile: profile.name, appVersion: engine.info.version }, ctx);
      } finally {
        await opened.close();
      }
    },
  };
}

export function startImportJob(engine: Services, input: ImportInput): Job {
  return engine.jobs.start(importJob(engine, input));
}
