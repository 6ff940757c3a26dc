// Facts about this installation, loaded once.
import { create } from 'zustand';
import type { AppInfo } from '../../shared/contract';
import type { UserErrorData } from '../../shared/errors';
import { api, errorData } from '../api';

interface AppState {
  info: AppInfo | null;
  error: UserErrorData | null;
  load(): Promise<void>;
}

export const useApp = create<AppState>((set) => ({
  info: null,
  error: null,
  load: async () => {
    try {
      set({ info: await api.app.info({}), error: null });
    } catch (err) {
      set({ error: errorData(err) });
    }
  },
}));
