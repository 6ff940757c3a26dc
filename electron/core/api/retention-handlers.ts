// Handlers for the retention rules of a connection (shared/api/retention.ts).
import type { retentionMethods } from '../../../shared/api/retention';
import { retentionView, saveRetention } from '../retention/settings';
import type { HandlerDeps, HandlersFor } from './types';

export function retentionHandlers(engine: HandlerDeps): HandlersFor<typeof retentionMethods> {
  return {
    'retention.get': async ({ profile }) => retentionView(engine, profile),
    'retention.set': async ({ profile, settings }) => saveRetention(engine, profile, settings),
  };
}
