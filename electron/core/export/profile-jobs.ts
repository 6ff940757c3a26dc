// Export and mongodump import for a saved profile, as jobs (shared by the API handlers and the CLI).
import path from 'node:path';
import type { ExportResult, ImportResult } from '../../../shared/api/verify';
import type { Job } from '../../../shared/jobs';
import type { Engine } from '../engine';
import { openBackupLocation } from '../backup/location';
import { locationLockKey } from '../backup/profile-jobs';
import { pauseHook } from '../backup/test-hooks';
import { Repository, withoutFileNote } from '../repository';
import { latestRule } from '../restore/profile-jobs';
import { openProfileLocation } from '../verify/profile-location';
import { lockShared } from '../verify/verify';
import { exportSnapshot } from './export';
import { PARTIALS_DIR } from './partials';
import { importMongodump } from './import-mongodump';

export interface ExportInput {
  profile: string;
  snapshot: string;
  to: string;
  zip: boolean;
  passphrase?: string;
}

export function startExportJob(engine: Engine, input: ExportInput): Job {
  const profile = engine.profiles.get(input.profile);
  if (input.passphrase) engine.secrets.add(input.passphrase);
  return engine.jobs.start({
    kind: 'export',
    title: `Export of ${input.snapshot === 'latest' ? 'the latest backup' : `backup ${input.snapshot.slice(0, 8)}`} of "${profile.name}"${input.zip ? ' as a zip file' : ''}`,
    profile: profile.name,
    run: async (ctx): Promise<ExportResult> => {
      const location = await openProfileLocation(engine, profile.name, input.passphrase);
      try {
        const repo = await Repository.open(location.store, { passphrase: location.passphrase });
        const lock = await lockShared(location.store, ctx, 'export'); // prune must not delete what is being read
        try {
          const partialsDir = path.join(engine.paths.home, PARTIALS_DIR);
          const result = await exportSnapshot(repo, { snapshot: input.snapshot, to: input.to, zip: input.zip, profile: profile.name, tmpDir: engine.paths.tmp, partialsDir, hook: pauseHook(engine.testPauseAt, ctx.signal), latest: latestRule(engine, profile.name, location.describe, 'export') }, ctx);
          return lock.withoutFile ? { ...result, notes: [...(result.notes ?? []), withoutFileNote(lock.withoutFile, 'export')] } : result;
        } finally {
          await lock.release().catch(() => undefined);
        }
      } finally {
        location.close();
      }
    },
  });
}

export function startImportJob(engine: Engine, input: { profile: string; from: string; passphrase?: string }): Job {
  const profile = engine.profiles.get(input.profile);
  if (input.passphrase) engine.secrets.add(input.passphrase);
  return engine.jobs.start({
    kind: 'import',
    title: `Import of a mongodump folder into the backups of "${profile.name}"`,
    profile: profile.name,
    locks: [locationLockKey(profile)],
    run: async (ctx): Promise<ImportResult> => {
      const location = await openProfileLocation(engine, profile.name, input.passphrase);
      try {
        const { repo } = await openBackupLocation(location.store, { passphrase: location.passphrase, createIfEmpty: true });
        return await importMongodump(repo, { from: input.from, profile: profile.name, appVersion: engine.info.version }, ctx);
      } finally {
        location.close();
      }
    },
  });
}
