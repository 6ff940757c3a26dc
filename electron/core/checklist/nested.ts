// Running another part of the app's job (a backup, a verification, a storage check) from inside a
// checklist job: it still gets its own history entry (so the dashboard and the next checklist see it),
// its progress shows in the checklist's, and cancelling the checklist cancels it.
import { UserError, userError } from '../../../shared/errors';
import type { Job, OperationContext } from '../../../shared/jobs';
import type { Services } from '../services';

export async function followNested(engine: Services, job: Job, ctx: OperationContext, phase: string): Promise<Job> {
  const off = engine.jobs.onUpdate((j) => {
    if (j.id !== job.id || j.status !== 'running') return;
    const p = j.progress;
    ctx.onProgress({ phase: `${phase}: ${p.phase}`, done: p.done, total: p.total, unit: p.unit, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, message: p.message });
  });
  const cancel = () => engine.jobs.cancel(job.id);
  ctx.signal.addEventListener('abort', cancel, { once: true });
  try {
    const done = await engine.jobs.wait(job.id);
    ctx.signal.throwIfAborted();
    return done;
  } finally {
    off();
    ctx.signal.removeEventListener('abort', cancel);
  }
}

/** The nested job's summary, or its failure as a UserError. */
export function summaryOf<T>(job: Job, what: string): T {
  if (job.status === 'succeeded' && job.summary !== null) return job.summary as T;
  if (job.status === 'canceled') throw userError('CANCELED', 'Cancelled', `The ${what} was cancelled.`, 'Start it again when you are ready.');
  throw job.error ? UserError.fromData(job.error) : userError('INTERNAL', 'Failed', `The ${what} failed.`, 'Look at the History page for what happened.');
}
