// Handlers for the storage check (shared/api/check.ts).
import type { checkMethods } from '../../../shared/api/check';
import type { HandlerDeps } from './types';
import { checkCsv, startCheckJob } from '../check/profile-jobs';
import { findInBackups } from '../check/in-backups';
import type { HandlersFor } from './types';

export function checkHandlers(engine: HandlerDeps): HandlersFor<typeof checkMethods> {
  return {
    'check.start': async ({ profile }) => startCheckJob(engine, profile),
    'check.csv': async ({ id }) => checkCsv(engine, id),
    'check.inBackups': async ({ profile, keys, passphrase }) => findInBackups(engine, profile, keys, passphrase),
  };
}
