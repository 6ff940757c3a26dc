// Running a job from the command line: wait for it with a progress line on a terminal, cancel it
// cleanly on Ctrl-C or SIGTERM (from a scheduler), and turn its end into a result or an error.
import { userError, UserError } from '../../shared/errors';
import type { Job } from '../../shared/jobs';
import type { Engine } from '../core/engine';
import { ProgressLine } from './progress';

/** Wait for a job, drawing its progress on a terminal; Ctrl-C or SIGTERM cancel it cleanly. */
export async function followJob(engine: Engine, job: Job, showProgress: boolean): Promise<Job> {
  const line = new ProgressLine();
  const off = engine.jobs.onUpdate((j) => {
    if (j.id === job.id && showProgress && j.status === 'running') line.update(j.progress);
  });
  const cancel = () => engine.jobs.cancel(job.id);
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  try {
    return await engine.jobs.wait(job.id);
  } finally {
    off();
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
    line.clear();
  }
}

/** The job's result; a job that ended without one becomes the error it failed with. */
export function resultOf<T>(job: Job, what: string): T {
  if (job.summary !== null && job.status !== 'canceled') return job.summary as T;
  if (job.status === 'canceled') throw userError('CANCELED', 'Cancelled', `The ${what} was cancelled.`, 'Run the command again when you are ready.');
  throw job.error ? UserError.fromData(job.error) : userError('INTERNAL', 'Failed', `The ${what} failed.`, 'Look at "pci-maint history" and the log file.');
}
