// Handlers for the trigger tokens of a connection (shared/api/trigger.ts); the trigger itself is
// POST /api/trigger/<connection> (electron/server/trigger-route.ts), with its own token.
import type { triggerMethods } from '../../../shared/api/trigger';
import type { HandlerDeps, HandlersFor } from './types';

export function triggerHandlers(engine: HandlerDeps): HandlersFor<typeof triggerMethods> {
  const t = () => engine.automation.triggers;
  return {
    'trigger.list': async ({ profile }) => t().list(profile),
    'trigger.create': async ({ profile, label }) => t().create(profile, label),
    'trigger.revoke': async ({ profile, id }) => t().revoke(profile, id),
    'trigger.setPort': async ({ port }) => ({ port: await t().setPort(port) }),
  };
}
