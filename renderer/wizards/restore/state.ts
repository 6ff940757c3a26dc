// What the rollback wizard has been told so far. A typed passphrase stays in this store only while
// the wizard is open (it is reset when the wizard closes) and is never saved.
import { create } from 'zustand';
import type { RestoreChoices, RestorePlan, RestoreScopeInput, SnapshotContents } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';

export type ScopeKind = 'everything' | 'database' | 'bucket' | 'folders' | 'custom';

export interface RestoreWizardState {
  step: number;
  profile: string | null;
  passphrase: string;
  choices: RestoreChoices | null;
  choicesError: UserErrorData | null;
  snapshotId: string | null;
  contents: SnapshotContents | null;
  scopeKind: ScopeKind;
  /** custom: the chosen collections, whether the R2 files are included and from which prefixes, whether the folders are. */
  collections: string[];
  bucket: boolean;
  prefixes: string;
  folders: boolean;
  folderTarget: string;
  plan: RestorePlan | null;
  /** The scope the plan was made for (a changed choice needs a new preview). */
  planKey: string | null;
  planError: UserErrorData | null;
  removeExtra: boolean;
  safetySkipped: boolean;
  skipUnderstood: boolean;
  safetyJobId: string | null;
  confirmText: string;
  restoreJobId: string | null;
  set(patch: Partial<Omit<RestoreWizardState, 'set' | 'reset'>>): void;
  reset(): void;
}

const INITIAL = {
  step: 0,
  profile: null,
  passphrase: '',
  choices: null,
  choicesError: null,
  snapshotId: null,
  contents: null,
  scopeKind: 'everything' as ScopeKind,
  collections: [],
  bucket: false,
  prefixes: '',
  folders: false,
  folderTarget: '',
  plan: null,
  planKey: null,
  planError: null,
  removeExtra: false,
  safetySkipped: false,
  skipUnderstood: false,
  safetyJobId: null,
  confirmText: '',
  restoreJobId: null,
};

export const useRestore = create<RestoreWizardState>((set) => ({
  ...INITIAL,
  set: (patch) => set(patch),
  reset: () => set(INITIAL),
}));

/** The scope as the API takes it, from the wizard's choices. */
export function scopeOf(s: Pick<RestoreWizardState, 'scopeKind' | 'collections' | 'bucket' | 'prefixes' | 'folders' | 'folderTarget'>): RestoreScopeInput {
  const target = s.folderTarget.trim() || null;
  switch (s.scopeKind) {
    case 'everything':
      return { database: true, bucket: true, folders: true, folderTarget: target };
    case 'database':
      return { database: true, bucket: false, folders: false };
    case 'bucket':
      return { database: false, bucket: true, folders: false };
    case 'folders':
      return { database: false, bucket: false, folders: true, folderTarget: target };
    case 'custom': {
      const prefixes = s.prefixes
        .split('\n')
        .map((p) => p.trim())
        .filter(Boolean);
      return { database: s.collections.length > 0, collections: s.collections.length > 0 ? s.collections : null, bucket: s.bucket, prefixes: s.bucket && prefixes.length > 0 ? prefixes : null, folders: s.folders, folderTarget: target };
    }
  }
}

/** The passphrase to send: only when one was typed. */
export function typedPassphrase(s: Pick<RestoreWizardState, 'passphrase'>): { passphrase?: string } {
  return s.passphrase ? { passphrase: s.passphrase } : {};
}
