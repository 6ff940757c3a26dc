// What the support wizard has been told: include file names or not, and which files to leave out.
import { create } from 'zustand';

interface SupportState {
  includeNames: boolean;
  /** Paths in the bundle the person unticked. */
  excluded: string[];
  set(patch: Partial<Pick<SupportState, 'includeNames' | 'excluded'>>): void;
  toggle(paths: string[], include: boolean): void;
  reset(): void;
}

export const useSupport = create<SupportState>((set) => ({
  includeNames: false,
  excluded: [],
  set: (patch) => set(patch),
  toggle: (paths, include) => set((s) => ({ excluded: include ? s.excluded.filter((p) => !paths.includes(p)) : [...new Set([...s.excluded, ...paths])] })),
  reset: () => set({ includeNames: false, excluded: [] }),
}));
