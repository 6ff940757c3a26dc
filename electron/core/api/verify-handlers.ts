// Handlers for verification (shared/api/verify.ts).
import type { verifyMethods } from '../../../shared/api/verify';
import type { HandlerDeps } from './types';
import { startVerifyJob, verifyTargets } from '../verify/profile-jobs';
import { VerifyStateStore } from '../verify/state';
import type { HandlersFor } from './types';

export function verifyHandlers(engine: HandlerDeps): HandlersFor<typeof verifyMethods> {
  return {
    'verify.targets': async ({ profile, passphrase }) => verifyTargets(engine, profile, passphrase),
    'verify.start': async (input) => startVerifyJob(engine, input),
    'verify.status': async ({ profile }) => new VerifyStateStore(engine.historyDb).status(engine.profiles.get(profile).name),
  };
}
