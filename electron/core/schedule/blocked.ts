// Schedules that cannot run: a scheduled backup or verification of a connection whose backups are
// protected by a passphrase nobody remembered on this computer would fail every night. Said where
// the schedules are shown and on the dashboard, with the offer to remember the passphrase.
import type { PassphraseState } from '../../../shared/api/profiles';
import type { ScheduleKind } from '../../../shared/api/schedule';
import type { Services } from '../services';
import { passphraseState } from '../profiles/passphrase';
import { ScheduleStore } from './store';
import { describeTiming } from './times';

/** The kinds that open the backups (a storage check does not). */
const NEEDS_PASSPHRASE: readonly ScheduleKind[] = ['backup', 'verify'];
const WORD: Record<ScheduleKind, string> = { backup: 'backup', verify: 'verification', check: 'storage check' };

export interface BlockedSchedules {
  kinds: ScheduleKind[];
  /** One sentence, empty when nothing is blocked. */
  message: string;
  passphrase: PassphraseState;
}

export async function blockedSchedules(engine: Services, profile: string, known?: PassphraseState): Promise<BlockedSchedules> {
  const passphrase = known ?? (await passphraseState(engine, profile));
  if (passphrase.state !== 'missing' && passphrase.state !== 'wrong') return { kinds: [], message: '', passphrase };
  const schedules = new ScheduleStore(engine.paths.home).get(profile); // read from the file, as automation does
  const kinds = NEEDS_PASSPHRASE.filter((k) => schedules[k].enabled);
  if (kinds.length === 0) return { kinds, message: '', passphrase };
  const which = kinds.map((k) => `the scheduled ${WORD[k]} (${describeTiming(schedules[k]).replace(/^Every/, 'every').replace(/^On/, 'on')})`).join(' and ');
  const why = passphrase.state === 'wrong' ? 'the passphrase remembered on this computer does not open the backups' : 'the backups are protected by a passphrase that is not remembered on this computer';
  return { kinds, passphrase, message: `${which.charAt(0).toUpperCase()}${which.slice(1)} cannot run: ${why}. Remember the passphrase, or switch the schedule off.` };
}
