// Handlers for restore drills (shared/api/drill.ts).
import type { drillMethods } from '../../../shared/api/drill';
import { drillReport, startDrillJob } from '../recovery/profile-jobs';
import type { HandlerDeps, HandlersFor } from './types';

export function drillHandlers(engine: HandlerDeps): HandlersFor<typeof drillMethods> {
  return {
    'drill.start': async (input) => startDrillJob(engine, input),
    'drill.report': async ({ profile }) => drillReport(engine, profile),
  };
}
