// The open update as the checklist screens know it: the update record (from core, refreshed after
// every change and every finished job), the jobs running for it, and what is being typed.
import { create } from 'zustand';
import type { UpdateRecord } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';
import type { Job } from '../../../shared/jobs';
import { api, errorData } from '../../api';
import { useJobs } from '../../stores/jobs';

export type ChecklistJob = 'before' | 'backup' | 'quiet' | 'after';

interface ChecklistState {
  profile: string | null;
  /** undefined: loading; null: no open update. */
  record: UpdateRecord | null | undefined;
  error: UserErrorData | null;
  /**
   * Which wizard shows: set from the record when it is loaded, and moved on by the before-wizard's
   * last step — so "Ready to update" still shows what to do now before the after-checks take over.
   */
  stage: 'before' | 'after';
  /** The id of the job of each kind started from this screen (its state lives in the jobs store). */
  jobs: Partial<Record<ChecklistJob, string>>;
  fromVersion: string;
  toVersion: string;
  notes: string;
  /** The backup passphrase typed on this screen (not remembered): kept in memory only, for this update's checks and backup. */
  passphrase: string | undefined;
  load(profile: string): Promise<void>;
  setStage(stage: 'before' | 'after'): void;
  setRecord(record: UpdateRecord | null): void;
  set(patch: Partial<Pick<ChecklistState, 'fromVersion' | 'toVersion' | 'notes' | 'error' | 'passphrase'>>): void;
  /** Start a job (the caller's API call) and remember it; errors land in `error`. */
  startJob(kind: ChecklistJob, start: () => Promise<Job>): Promise<void>;
  refresh(): Promise<void>;
}

export const useChecklist = create<ChecklistState>((set, get) => ({
  profile: null,
  record: undefined,
  error: null,
  stage: 'before',
  jobs: {},
  fromVersion: '',
  toVersion: '',
  notes: '',
  passphrase: undefined,
  load: async (profile) => {
    if (get().profile !== profile) set({ profile, record: undefined, jobs: {}, error: null, passphrase: undefined });
    try {
      get().setRecord(await api.checklist.current({ profile }));
    } catch (err) {
      set({ error: errorData(err), record: null });
    }
  },
  setRecord: (record) =>
    set((s) => ({
      record,
      // Typed values follow the record when it changes hands (another update, or a fresh start).
      ...(record?.id !== s.record?.id ? { stage: record?.status === 'updating' ? 'after' : 'before', fromVersion: record?.fromVersion ?? '', toVersion: record?.toVersion ?? '', notes: record?.notes ?? '' } : {}),
    })),
  setStage: (stage) => set({ stage }),
  set: (patch) => set(patch),
  startJob: async (kind, start) => {
    set({ error: null });
    try {
      const job = await start();
      useJobs.getState().upsert(job);
      set((s) => ({ jobs: { ...s.jobs, [kind]: job.id } }));
    } catch (err) {
      set({ error: errorData(err) });
    }
  },
  refresh: async () => {
    const id = get().record?.id;
    if (!id) return;
    try {
      get().setRecord(await api.checklist.get({ id }));
    } catch (err) {
      set({ error: errorData(err) });
    }
  },
}));

/** The job of this kind started from this screen, as the jobs store knows it. */
export function useChecklistJob(kind: ChecklistJob): Job | null {
  const id = useChecklist((s) => s.jobs[kind]);
  return useJobs((s) => (id ? (s.jobs[id] ?? null) : null));
}


