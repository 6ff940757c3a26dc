// Handlers for verification, the storage check, export and import (shared/api/verify.ts).
import type { verifyMethods } from '../../../shared/api/verify';
import type { HandlerDeps } from './types';
import { checkCsv, startCheckJob } from '../consistency/profile-jobs';
import { startExportJob, startImportJob } from '../export/profile-jobs';
import { startVerifyJob, verifyTargets } from '../verify/profile-jobs';
import { VerifyStateStore } from '../verify/state';
import type { HandlersFor } from './types';

export function verifyHandlers(engine: HandlerDeps): HandlersFor<typeof verifyMethods> {
  return {
    'verify.targets': async ({ profile, passphrase }) => verifyTargets(engine, profile, passphrase),
    'verify.start': async (input) => startVerifyJob(engine, input),
    'verify.status': async ({ profile }) => new VerifyStateStore(engine.historyDb).status(engine.profiles.get(profile).name),
    'check.start': async ({ profile }) => startCheckJob(engine, profile),
    'check.csv': async ({ id }) => checkCsv(engine, id),
    'export.start': async (input) => startExportJob(engine, input),
    'export.importMongodump': async (input) => startImportJob(engine, input),
  };
}
