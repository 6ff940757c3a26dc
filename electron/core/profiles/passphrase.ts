// The backup passphrase for runs nobody types for: can a scheduled backup or verification open this
// connection's backups, and "Remember the passphrase" after checking that it opens them. The
// dashboard, the schedules and the checklist ask here, before the night, not after a failed run.
import type { PassphraseState, ProfileView } from '../../../shared/api/profiles';
import { UserError } from '../../../shared/errors';
import type { Services } from '../services';
import { withProfileLocation } from '../backup/profile-jobs';
import { secretContext } from './open';
import { resolveSecret } from './secrets';
import { saveProfile } from './service';

const codeOf = (err: unknown) => (err instanceof UserError ? err.code : null);

export async function passphraseState(engine: Services, name: string): Promise<PassphraseState> {
  const profile = engine.profiles.get(name);
  const known = await resolveSecret(secretContext(engine), profile, 'backupPassphrase');
  const where = known?.source === 'store' ? 'remembered on this computer' : 'taken from the environment';
  try {
    const encrypted = await withProfileLocation(engine, profile.name, undefined, async (repo) => repo.encrypted);
    return encrypted ? { state: 'remembered', message: `The backups are protected by a passphrase, ${where}: scheduled runs can open them.` } : { state: 'not-protected', message: 'The backups are not protected by a passphrase.' };
  } catch (err) {
    switch (codeOf(err)) {
      case 'PASSPHRASE_REQUIRED':
        return { state: 'missing', message: 'The backups are protected by a passphrase that is not remembered on this computer, so scheduled backups and verifications cannot open them.' };
      case 'WRONG_PASSPHRASE':
        return { state: 'wrong', message: `The passphrase ${where} does not open the backups, so scheduled backups and verifications cannot run.` };
      case 'REPO_NOT_FOUND':
      case 'DEST_NOT_FOUND':
        return { state: 'not-set-up', message: known ? 'No backup yet: the first one will be protected by the remembered passphrase.' : 'No backup yet.' };
      default:
        return { state: 'unknown', message: 'The backup location cannot be read right now.' };
    }
  }
}

/** Remember a typed passphrase, after checking that it opens the backups (a wrong one is refused, nothing saved). */
export async function rememberPassphrase(engine: Services, name: string, passphrase: string): Promise<ProfileView> {
  engine.secrets.add(passphrase);
  const profile = engine.profiles.get(name);
  try {
    await withProfileLocation(engine, profile.name, passphrase, async () => undefined);
  } catch (err) {
    // No backup yet: nothing to check against; the first backup will use it.
    if (codeOf(err) !== 'REPO_NOT_FOUND' && codeOf(err) !== 'DEST_NOT_FOUND') throw err;
  }
  const { createdAt: _c, updatedAt: _u, ...input } = profile;
  const view = await saveProfile(engine, input, { backupPassphrase: passphrase }, profile.name);
  engine.log.scope('profiles').info(`remembered the backup passphrase of "${profile.name}"`);
  return view;
}
