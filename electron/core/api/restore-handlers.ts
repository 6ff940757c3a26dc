// Handlers for restore and rollback (shared/api/restore.ts).
import type { restoreMethods } from '../../../shared/api/restore';
import type { HandlerDeps } from './types';
import { startBackupJob } from '../backup/profile-jobs';
import { planView } from '../restore/plan';
import { cleanupProfile, planRestore, restoreChoices, safetyBackupObstacle, snapshotContents, startRestoreJob, storedPlan } from '../restore/profile-jobs';
import type { HandlersFor } from './types';

export function restoreHandlers(engine: HandlerDeps): HandlersFor<typeof restoreMethods> {
  return {
    'restore.points': async ({ profile, passphrase }) => restoreChoices(engine, profile, passphrase),
    'restore.contents': async ({ profile, passphrase, snapshot }) => snapshotContents(engine, profile, snapshot, passphrase),
    'restore.plan': async ({ profile, passphrase, snapshot, scope }) => planView(await planRestore(engine, { profile, snapshot, scope, passphrase })),
    'restore.start': async ({ planId, removeExtra, safety, passphrase }) => startRestoreJob(engine, { plan: storedPlan(engine, planId), removeExtra, safety, passphrase }),
    // The tag the person cannot give through backup.start (shared/api/backup.ts SYSTEM_TAGS).
    'restore.safetyBackup': async ({ profile, passphrase }) => startBackupJob(engine, profile, { tags: ['pre-restore'], passphrase }),
    'restore.safetyObstacle': async ({ profile, passphrase }) => ({ obstacle: (await safetyBackupObstacle(engine, profile, passphrase))?.toJSON() ?? null }),
    'restore.cleanup': async ({ profile }) => ({ dropped: await cleanupProfile(engine, profile) }),
  };
}
