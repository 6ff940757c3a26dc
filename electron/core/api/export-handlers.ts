// Handlers for export and import (shared/api/export.ts).
import type { exportMethods } from '../../../shared/api/export';
import type { HandlerDeps } from './types';
import { startExportJob, startImportJob } from '../export/profile-jobs';
import type { HandlersFor } from './types';

export function exportHandlers(engine: HandlerDeps): HandlersFor<typeof exportMethods> {
  return {
    'export.start': async (input) => startExportJob(engine, input),
    'export.importMongodump': async (input) => startImportJob(engine, input),
  };
}
