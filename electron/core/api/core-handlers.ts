// Handlers for the core methods: app info, jobs, history.
import type { coreMethods } from '../../../shared/api/core';
import type { HandlerDeps } from './types';
import type { HandlersFor } from './types';

export function coreHandlers(engine: HandlerDeps): HandlersFor<typeof coreMethods> {
  return {
    'app.info': async () => engine.info,
    'jobs.list': async () => engine.jobs.list(),
    'jobs.get': async ({ id }) => engine.jobs.get(id),
    'jobs.cancel': async ({ id }) => engine.jobs.cancel(id),
    'history.list': async (query) => engine.history.list(query),
    'history.get': async ({ id }) => engine.history.get(id),
  };
}
