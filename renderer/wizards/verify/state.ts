// What the verify wizard has chosen so far, and the restore points it can choose from.
import { create } from 'zustand';
import type { VerifyDepth, VerifyTargets } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';
import { api, errorData } from '../../api';

interface VerifyState {
  profile: string | null;
  targets: VerifyTargets | null;
  loading: boolean;
  error: UserErrorData | null;
  /** A snapshot id, or 'latest'. */
  snapshot: string;
  depth: VerifyDepth;
  samplePercent: number;
  testRestore: boolean;
  /** Typed when the backup location is encrypted and its passphrase is not remembered; never stored. */
  passphrase: string;
  set(patch: Partial<Pick<VerifyState, 'snapshot' | 'depth' | 'samplePercent' | 'testRestore' | 'passphrase'>>): void;
  load(profile: string): Promise<void>;
  reset(): void;
}

const INITIAL = { profile: null, targets: null, loading: false, error: null, snapshot: 'latest', depth: 'full' as VerifyDepth, samplePercent: 10, testRestore: false, passphrase: '' };

export const useVerify = create<VerifyState>((set, get) => ({
  ...INITIAL,
  set: (patch) => set(patch),
  load: async (profile) => {
    set({ profile, loading: true, error: null, ...(get().profile !== profile ? { targets: null, snapshot: 'latest', passphrase: '' } : {}) });
    try {
      const targets = await api.verify.targets({ profile, passphrase: get().passphrase || undefined });
      if (get().profile === profile) set({ targets, loading: false });
    } catch (err) {
      if (get().profile === profile) set({ error: errorData(err), loading: false, targets: null });
    }
  },
  reset: () => set(INITIAL),
}));
