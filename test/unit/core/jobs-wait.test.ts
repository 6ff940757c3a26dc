// A job that waits for its locks (an event-triggered backup): it answers at once, says what it waits
// for, runs after the holder ends, one at a time, and can be cancelled while it waits.
import { describe, expect, it } from 'vitest';
import { JobManager } from '../../../electron/core/jobs/manager';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

/** Resolves when the job's phase is `phase` (from its updates, never a sleep). */
function phaseReached(jobs: JobManager, id: string, phase: string): Promise<void> {
  return new Promise((resolve) => {
    if (jobs.get(id).progress.phase === phase) return resolve();
    const off = jobs.onUpdate((j) => {
      if (j.id === id && j.progress.phase === phase) {
        off();
        resolve();
      }
    });
  });
}

describe('JobManager: waiting for locks', () => {
  it('starts at once while another job holds the lock, waits, then runs; jobs without waitForLocks still get BUSY', async () => {
    const jobs = new JobManager({ throttleMs: 0 });
    const first = gate();
    const order: string[] = [];
    const holder = jobs.start({ kind: 'backup', title: 'Scheduled backup', locks: ['loc'], run: async () => (await first.opened, order.push('holder'), 1) });
    const waiter = jobs.start({ kind: 'backup', title: 'Event backup', locks: ['loc'], waitForLocks: true, run: async () => (order.push('waiter'), 2) });
    expect(waiter.status).toBe('running');
    await phaseReached(jobs, waiter.id, 'Waiting for another job');
    expect(jobs.get(waiter.id).progress.message).toContain('"Scheduled backup" is working on the same data');
    expect(() => jobs.start({ kind: 'prune', title: 'Clean up', locks: ['loc'], run: async () => null })).toThrowError(expect.objectContaining({ code: 'BUSY' }));
    first.open();
    expect((await jobs.wait(waiter.id)).status).toBe('succeeded');
    expect((await jobs.wait(holder.id)).status).toBe('succeeded');
    expect(order).toEqual(['holder', 'waiter']);
    // Its lock is free again afterwards.
    expect((await jobs.wait(jobs.start({ kind: 'prune', title: 'Clean up', locks: ['loc'], run: async () => null }).id)).status).toBe('succeeded');
  });

  it('two waiting jobs run one after the other, never together', async () => {
    const jobs = new JobManager({ throttleMs: 0 });
    const first = gate();
    let inside = 0;
    let most = 0;
    const body = async () => {
      inside++;
      most = Math.max(most, inside);
      await new Promise((r) => setImmediate(r));
      inside--;
      return null;
    };
    jobs.start({ kind: 'backup', title: 'Holder', locks: ['loc'], run: async () => first.opened });
    const a = jobs.start({ kind: 'backup', title: 'A', locks: ['loc'], waitForLocks: true, run: body });
    const b = jobs.start({ kind: 'backup', title: 'B', locks: ['loc'], waitForLocks: true, run: body });
    first.open();
    const [fa, fb] = await Promise.all([jobs.wait(a.id), jobs.wait(b.id)]);
    expect([fa.status, fb.status]).toEqual(['succeeded', 'succeeded']);
    expect(most).toBe(1);
  });

  it('runs `prepare` before taking the locks, and a cancel while waiting is a result (canceled), not a failure', async () => {
    const jobs = new JobManager({ throttleMs: 0 });
    const first = gate();
    let ran = false;
    jobs.start({ kind: 'backup', title: 'Holder', locks: ['loc'], run: async () => first.opened });
    const prepared = gate();
    const waiter = jobs.start({
      kind: 'backup',
      title: 'Event backup',
      locks: ['loc'],
      waitForLocks: true,
      prepare: async () => prepared.open(),
      run: async () => {
        ran = true;
        return null;
      },
    });
    await prepared.opened;
    await phaseReached(jobs, waiter.id, 'Waiting for another job');
    jobs.cancel(waiter.id);
    expect((await jobs.wait(waiter.id)).status).toBe('canceled');
    expect(ran).toBe(false);
    first.open();
  });
});
