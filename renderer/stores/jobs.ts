// Jobs as the UI knows them: serialisable snapshots fed by app events (controllers stay in core).
import { create } from 'zustand';
import { isFinal, type Job } from '../../shared/jobs';
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
  // A start call's answer can arrive after the job's final event (a quick job): never let that older
  // "running" snapshot replace the final state.
  upsert: (job) => set((s) => (s.jobs[job.id] && isFinal(s.jobs[job.id].status) && !isFinal(job.status) ? s : { jobs: { ...s.jobs, [job.id]: job } })),
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
