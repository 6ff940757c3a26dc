// The saved connections as the UI knows them (secrets masked), and which one the dashboard shows.
import { create } from 'zustand';
import type { ProfileView, SecretStoreInfo } from '../../shared/contract';
import type { UserErrorData } from '../../shared/errors';
import { api, errorData } from '../api';

interface ProfilesState {
  /** null until the first load. */
  profiles: ProfileView[] | null;
  secretStore: SecretStoreInfo | null;
  /** The connection the dashboard shows (the first one unless a person picked another). */
  selected: string | null;
  error: UserErrorData | null;
  load(): Promise<void>;
  select(name: string): void;
}

export const useProfiles = create<ProfilesState>((set, get) => ({
  profiles: null,
  secretStore: null,
  selected: null,
  error: null,
  load: async () => {
    try {
      const { profiles, secretStore } = await api.profiles.list({});
      const current = get().selected;
      const selected = profiles.some((p) => p.profile.name === current) ? current : (profiles[0]?.profile.name ?? null);
      set({ profiles, secretStore, selected, error: null });
    } catch (err) {
      set({ error: errorData(err), profiles: get().profiles ?? [] });
    }
  },
  select: (name) => set({ selected: name }),
}));
