// Handlers for the pre-update checklist (shared/api/checklist.ts).
import type { checklistMethods } from '../../../shared/api/checklist';
import type { HandlerDeps } from './types';
import { renderReport, reportFileName } from '../checklist/report';
import {
  abandonUpdate,
  changeRecord,
  finishUpdate,
  markReady,
  openUpdate,
  recordStore,
  setAppSettings,
  startAfterJob,
  startBeforeJob,
  startPrepareBackupJob,
  startQuietJob,
} from '../checklist/service';
import type { HandlersFor } from './types';

export function checklistHandlers(engine: HandlerDeps): HandlersFor<typeof checklistMethods> {
  return {
    'checklist.current': async ({ profile }) => recordStore(engine).current(engine.profiles.get(profile).name),
    'checklist.list': async ({ profile, limit }) => recordStore(engine).list({ profile, limit }),
    'checklist.get': async ({ id }) => recordStore(engine).get(id),
    'checklist.start': async ({ profile }) => openUpdate(engine, profile),
    'checklist.runBefore': async ({ id, fromVersion, quietSeconds, passphrase }) => startBeforeJob(engine, id, { fromVersion, quietSeconds, passphrase }),
    'checklist.prepareBackup': async ({ id, passphrase }) => startPrepareBackupJob(engine, id, passphrase),
    'checklist.quiet': async ({ id, seconds }) => startQuietJob(engine, id, seconds),
    'checklist.update': async ({ id, ...changes }) => changeRecord(engine, id, changes),
    'checklist.ready': async ({ id }) => markReady(engine, id),
    'checklist.runAfter': async ({ id, toVersion }) => startAfterJob(engine, id, { toVersion }),
    'checklist.finish': async ({ id, notes }) => finishUpdate(engine, id, notes),
    'checklist.abandon': async ({ id }) => abandonUpdate(engine, id),
    'checklist.report': async ({ id }) => {
      const record = recordStore(engine).get(id);
      return { fileName: reportFileName(record), html: renderReport(record) };
    },
    'checklist.setAppSettings': async ({ profile, healthUrl, versionFile }) => setAppSettings(engine, profile, { healthUrl, versionFile }),
  };
}
