// Backups and verifications on time, from the history: the last backup within the connection's limit
// and good, and a verification of it within the last week.
import { lastBackup, lastVerify } from '../../health/past-runs';
import { result, type PlanCheck } from '../types';

export const VERIFY_MAX_AGE_DAYS = 8;

export const backupsOnTime: PlanCheck = {
  id: 'backups',
  title: 'Backups and verifications on time',
  description: 'Looks in the history: was there a good backup recently, and was it verified?',
  frequency: 'daily',
  route: '/backup',
  async run(ctx) {
    const t = ctx.targets;
    const now = ctx.now();
    const backup = lastBackup(ctx.services, t.profile, t.backupMaxAgeHours, now);
    const verify = lastVerify(ctx.services, t.profile, backup.status === 'succeeded' ? backup.at : null, now);
    const verifyDays = verify.ageHours === null ? null : Math.floor(verify.ageHours / 24);
    const measured = { backupAgeHours: backup.ageHours === null ? null : Math.round(backup.ageHours * 10) / 10, verifyAgeDays: verifyDays };
    const details = [`Backup: ${backup.message}`, `Verification: ${verify.message}`];
    if (backup.state === 'error') return result(this, ctx, 'critical', backup.message, { measured, details, whatToDo: 'Open Backup, fix what the last backup reported and back up again.' });
    if (verify.state === 'error') return result(this, ctx, 'critical', verify.message, { measured, details, whatToDo: 'Open Verify to see what is wrong, then make a new backup and verify it.' });
    if (backup.state === 'none') return result(this, ctx, 'warning', 'No backup has been made yet.', { measured, details, whatToDo: 'Make your first backup (Backup).' });
    if (backup.state === 'warn') return result(this, ctx, 'warning', backup.message, { measured, details, whatToDo: 'Make a backup now, and check that the scheduled backups run.' });
    if (verify.state === 'none') return result(this, ctx, 'warning', 'No backup has been verified yet.', { measured, details, whatToDo: 'Verify the latest backup (Verify), so you know it can be restored.' });
    if (verifyDays !== null && verifyDays > VERIFY_MAX_AGE_DAYS) {
      return result(this, ctx, 'warning', `The last verification was ${verifyDays} days ago.`, { measured, details, whatToDo: 'Verify the latest backup (Verify), and schedule a weekly verification.' });
    }
    if (verify.state === 'warn') return result(this, ctx, 'info', verify.message, { measured, details, whatToDo: 'Verify the latest backup when convenient.' });
    return result(this, ctx, 'ok', 'The last backup is recent and good, and it was verified.', { measured, details });
  },
};
