// Handlers for native dialogs: answered by the injected port, or "not available" without one.
import type { dialogMethods } from '../../../shared/api/dialogs';
import type { Engine } from '../engine';
import type { HandlersFor } from './types';

export function dialogHandlers(engine: Engine): HandlersFor<typeof dialogMethods> {
  return {
    'dialogs.pickFolder': async ({ title, defaultPath }) => {
      if (!engine.dialogs) return { available: false, path: null };
      return { available: true, path: await engine.dialogs.pickFolder({ title, defaultPath }) };
    },
  };
}
