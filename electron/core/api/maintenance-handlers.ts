// Handlers for maintenance (shared/api/maintenance.ts).
import type { maintenanceMethods } from '../../../shared/api/maintenance';
import { userError } from '../../../shared/errors';
import type { HandlerDeps } from './types';
import { analyzeLogs, logsOfProfile } from '../maintenance/log-analyzer';
import { startMaintenanceJob } from '../maintenance/tasks';
import type { HandlersFor } from './types';

export function maintenanceHandlers(engine: HandlerDeps): HandlersFor<typeof maintenanceMethods> {
  return {
    'maintenance.overview': async () => engine.automation.maintenanceOverview(),
    'maintenance.run': async ({ task }) => startMaintenanceJob(engine, task),
    'maintenance.setSettings': async (change) => engine.automation.setMaintenanceSettings(change),
    'maintenance.analyzeLogs': async ({ profile, days }) => {
      const name = engine.profiles.get(profile).name;
      const what = logsOfProfile(engine, name);
      if (!what) throw userError('INVALID_INPUT', 'No log folder set', `No log folder of PCI File Manager is set for "${name}".`, "Enter the folder where PCI File Manager writes its logs, then analyze again.");
      return analyzeLogs(what, { days });
    },
  };
}
