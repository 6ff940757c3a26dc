// What the backup wizard knows: the chosen connection, its health (sizes, free space, estimate), how
// its backup location is protected, and the passphrase typed for it. A typed passphrase stays in this
// store only while the wizard is open (reset on close), never in the URL or the history.
import { create } from 'zustand';
import type { HealthReport, ProfileView, RestorePointList } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';
import { api, errorData } from '../../api';
import { useJobs } from '../../stores/jobs';

/**
 * How the backup location is protected, which decides what the "Protect" step asks:
 * - new: empty, set up by this backup; a passphrase may be chosen now (or not)
 * - new-saved: empty, and the connection has a saved passphrase: it protects the new location
 * - plain: holds backups without a passphrase (protection is chosen once, at set-up)
 * - unlocked: protected, and the saved passphrase opens it
 * - locked: protected, and the passphrase has to be typed
 */
export type Protection = 'new' | 'new-saved' | 'plain' | 'unlocked' | 'locked';

export interface LocationInfo {
  protection: Protection;
  /** The restore points already there (null while the location is locked). */
  list: RestorePointList | null;
}

interface BackupState {
  profile: string | null;
  health: HealthReport | null;
  healthError: UserErrorData | null;
  /** A count of the bucket started for this wizard (sizes and the estimate need it), while it runs. */
  countJobId: string | null;
  location: LocationInfo | null;
  locationError: UserErrorData | null;
  /** "new": protect the new location with a passphrase. */
  protect: boolean;
  passphrase: string;
  confirm: string;
  /** Save the passphrase in the secret store, so later (scheduled) backups need no typing. */
  remember: boolean;
  /** The passphrase typed for a locked location was checked and opens it. */
  unlocked: boolean;
  set(patch: Partial<Pick<BackupState, 'protect' | 'passphrase' | 'confirm' | 'remember' | 'unlocked'>>): void;
  choose(profile: string, view: ProfileView | undefined): Promise<void>;
  /** Read the health again (after the bucket count finished). */
  refreshHealth(): Promise<void>;
  reset(): void;
}

const PASSPHRASE_CODES = ['PASSPHRASE_REQUIRED', 'WRONG_PASSPHRASE'];
export const isPassphraseError = (e: UserErrorData | null) => Boolean(e && PASSPHRASE_CODES.includes(e.code));

/**
 * Read the backup location. An empty, never used location and one that holds backups made without a
 * passphrase both list no restore points unencrypted; only the first can still get a passphrase, so
 * the two are told apart by opening the location (which needs it to be set up).
 */
export async function probeLocation(profile: string, view: ProfileView | undefined): Promise<LocationInfo> {
  let list: RestorePointList;
  try {
    list = await api.snapshots.list({ profile });
  } catch (err) {
    if (isPassphraseError(errorData(err))) return { protection: 'locked', list: null };
    throw err;
  }
  if (list.encrypted) return { protection: 'unlocked', list };
  if (list.restorePoints.length > 0 || list.unreadable.length > 0) return { protection: 'plain', list };
  try {
    await api.verify.targets({ profile });
    return { protection: 'plain', list };
  } catch (err) {
    // DEST_NOT_FOUND after a listing that worked: a folder the first backup creates (its drive is there).
    if (!['REPO_NOT_FOUND', 'DEST_NOT_FOUND'].includes(errorData(err).code)) throw err;
    return { protection: view?.secrets.backupPassphrase?.set ? 'new-saved' : 'new', list };
  }
}

const FRESH = { health: null, healthError: null, countJobId: null, location: null, locationError: null, protect: false, passphrase: '', confirm: '', remember: false, unlocked: false };

export const useBackup = create<BackupState>((set, get) => ({
  profile: null,
  ...FRESH,
  set: (patch) => set(patch),
  choose: async (profile, view) => {
    set({ profile, ...FRESH });
    const still = () => get().profile === profile;
    await Promise.all([
      api.health.get({ profile }).then(
        async (health) => {
          if (!still()) return;
          set({ health });
          // Before the first count the bucket's size is unknown, and so is the estimate: count it.
          if (!health.r2 || !health.r2.reachable || health.r2.countedAt) return;
          if (health.r2.countJobId) return set({ countJobId: health.r2.countJobId });
          const job = await api.health.countBucket({ profile }).catch(() => null);
          if (!job || !still()) return;
          useJobs.getState().upsert(job);
          set({ countJobId: job.id });
        },
        (err: unknown) => still() && set({ healthError: errorData(err) }),
      ),
      probeLocation(profile, view).then(
        (location) => still() && set({ location }),
        (err: unknown) => still() && set({ locationError: errorData(err) }),
      ),
    ]);
  },
  refreshHealth: async () => {
    const profile = get().profile;
    if (!profile) return;
    const health = await api.health.get({ profile }).catch(() => null);
    if (get().profile === profile) set({ countJobId: null, ...(health ? { health } : {}) });
  },
  reset: () => set({ profile: null, ...FRESH }),
}));

/** The passphrase this backup uses when one was typed (the saved one is found by core itself). */
export function typedPassphrase(s: Pick<BackupState, 'location' | 'protect' | 'passphrase'>): string | undefined {
  const kind = s.location?.protection;
  if (kind === 'locked' || (kind === 'new' && s.protect)) return s.passphrase || undefined;
  return undefined;
}
