// Jobs as the UI knows them: serialisable snapshots fed by app events (controllers stay in core).
import { create } from 'zustand';
import type { Job } from '../../shared/jobs';
import { api } from '../api';

interface JobsState {
  jobs: Record<string, Job>;
  historyVersion: number;
  upsert(job: Job): void;
  bumpHistory(): void;
}

export const useJobs = create<JobsState>((set) => ({
  jobs: {},
  historyVersion: 0,
  upsert: (job) => set((s) => ({ jobs: { ...s.jobs, [job.id]: job } })),
  bumpHistory: () => set((s) => ({ historyVersion: s.historyVersion + 1 })),
}));

let started = false;
/** Subscribe once to the app's event stream and load the jobs already running. */
export function startJobSync(): void {
  if (started) return;
  started = true;
  api.onEvent((event) => {
    if (event.type === 'job.updated') useJobs.getState().upsert(event.job);
    if (event.type === 'history.changed') useJobs.getState().bumpHistory();
  });
  void api.jobs.list({}).then((jobs) => jobs.forEach((j) => useJobs.getState().upsert(j)), () => undefined);
}
