// Handlers for backups, restore points and prune (shared/api/backup.ts).
import type { backupMethods } from '../../../shared/api/backup';
import type { HandlerDeps } from './types';
import { listProfileRestorePoints, startBackupJob, startPruneJob, withProfileLocation } from '../backup/profile-jobs';
import { getRestorePoint } from '../backup/snapshots';
import type { HandlersFor } from './types';

export function backupHandlers(engine: HandlerDeps): HandlersFor<typeof backupMethods> {
  return {
    'backup.start': async ({ profile, tags, event, passphrase }) => startBackupJob(engine, profile, { tags, event, passphrase }),
    'snapshots.list': async ({ profile, passphrase }) => listProfileRestorePoints(engine, profile, passphrase),
    'snapshots.get': async ({ profile, passphrase, id }) => withProfileLocation(engine, profile, passphrase, (repo) => getRestorePoint(repo, id)),
    'prune.start': async ({ profile, passphrase, dryRun, retention }) => startPruneJob(engine, profile, { dryRun, retention, passphrase }),
  };
}
