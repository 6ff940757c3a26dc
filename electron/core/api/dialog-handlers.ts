// Handlers for native dialogs: answered by the injected port, or "not available" without one.
import type { dialogMethods } from '../../../shared/api/dialogs';
import type { HandlerDeps } from './types';
import type { HandlersFor } from './types';

export function dialogHandlers(engine: HandlerDeps): HandlersFor<typeof dialogMethods> {
  return {
    'dialogs.pickFolder': async ({ title, defaultPath }) => {
      if (!engine.dialogs) return { available: false, path: null };
      return { available: true, path: await engine.dialogs.pickFolder({ title, defaultPath }) };
    },
  };
}
