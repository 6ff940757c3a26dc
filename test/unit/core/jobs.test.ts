// The job manager with a real history database: progress, throttling, cancel, failure, locks, logs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobManager } from '../../../electron/core/jobs/manager';
import { userError } from '../../../shared/errors';
import type { Job } from '../../../shared/jobs';
import { testEngine, type TestEngine } from '../../support/engine';

let engine: TestEngine;
beforeEach(() => {
  engine = testEngine();
});
afterEach(async () => {
  await engine.dispose();
});

/** A promise and the function that settles it, so a test controls when a job moves on. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe('JobManager', () => {
  it('runs a job to success, records it in history with its summary and log', async () => {
    const updates: Job[] = [];
    engine.jobs.onUpdate((j) => updates.push(j));
    const job = engine.jobs.start({
      kind: 'maintenance',
      title: 'Tidy up',
      run: async (ctx) => {
        ctx.onProgress({ phase: 'Counting', done: 1, total: 2, unit: 'files' });
        ctx.log('info', 'counted one');
        return { files: 2 };
      },
    });
    expect(job.status).toBe('running');
    const final = await engine.jobs.wait(job.id);
    expect(final.status).toBe('succeeded');
    expect(final.summary).toEqual({ files: 2 });
    expect(updates.at(-1)?.status).toBe('succeeded');
    const detail = engine.history.get(job.id);
    expect(detail.status).toBe('succeeded');
    expect(detail.summary).toEqual({ files: 2 });
    expect(detail.log.map((l) => l.message)).toContain('counted one');
    expect(detail.durationMs).not.toBeNull();
  });

  it('throttles progress but always delivers the final state', async () => {
    const updates: Job[] = [];
    const jobs = new JobManager({ throttleMs: 10_000 });
    jobs.onUpdate((j) => updates.push(j));
    const job = jobs.start({
      kind: 'maintenance',
      title: 'Many updates',
      run: async (ctx) => {
        for (let i = 1; i <= 1000; i++) ctx.onProgress({ phase: 'Working', done: i, total: 1000, unit: 'items' });
        return null;
      },
    });
    const final = await jobs.wait(job.id);
    // start + at most one throttled emission + the final state
    expect(updates.length).toBeLessThanOrEqual(3);
    expect(updates.at(-1)?.status).toBe('succeeded');
    expect(final.progress.done).toBe(1000);
  });

  it('cancel is a result, not a failure', async () => {
    const started = gate();
    const job = engine.jobs.start({
      kind: 'backup',
      title: 'Long',
      run: (ctx) =>
        new Promise((_resolve, reject) => {
          started.open();
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
        }),
    });
    await started.opened;
    expect(engine.jobs.cancel(job.id).status).toBe('canceling');
    const final = await engine.jobs.wait(job.id);
    expect(final.status).toBe('canceled');
    expect(final.error).toBeNull();
    expect(engine.history.get(job.id).status).toBe('canceled');
  });

  it('a failure carries the UserError, and an unexpected error becomes a plain INTERNAL one', async () => {
    const a = engine.jobs.start({ kind: 'verify', title: 'A', run: async () => Promise.reject(userError('DEST_FULL', 'Full', 'The backup drive is full.', 'Free some space.')) });
    const b = engine.jobs.start({ kind: 'verify', title: 'B', run: async () => Promise.reject(new TypeError('x is undefined at line 3')) });
    const [fa, fb] = [await engine.jobs.wait(a.id), await engine.jobs.wait(b.id)];
    expect(fa.error).toMatchObject({ code: 'DEST_FULL', message: 'The backup drive is full.', hint: 'Free some space.' });
    expect(fb.error?.code).toBe('INTERNAL');
    expect(fb.error?.message).not.toContain('line 3');
  });

  it('refuses a second job on the same resource with BUSY, and frees the lock afterwards', async () => {
    const hold = gate();
    const first = engine.jobs.start({ kind: 'backup', title: 'First', locks: ['repo:/x'], run: () => hold.opened });
    expect(() => engine.jobs.start({ kind: 'prune', title: 'Second', locks: ['repo:/x'], run: async () => null })).toThrowError(expect.objectContaining({ code: 'BUSY' }));
    const other = engine.jobs.start({ kind: 'backup', title: 'Elsewhere', locks: ['repo:/y'], run: async () => null });
    expect((await engine.jobs.wait(other.id)).status).toBe('succeeded');
    hold.open();
    await engine.jobs.wait(first.id);
    const third = engine.jobs.start({ kind: 'prune', title: 'Third', locks: ['repo:/x'], run: async () => null });
    expect((await engine.jobs.wait(third.id)).status).toBe('succeeded');
  });

  it('keeps a bounded log, counts what it dropped, and redacts secrets in it', async () => {
    engine.secrets.add('sup3r-secret-pw');
    const job = engine.jobs.start({
      kind: 'maintenance',
      title: 'Chatty',
      run: async (ctx) => {
        for (let i = 0; i < 1500; i++) ctx.log('info', `line ${i} with sup3r-secret-pw`);
        return null;
      },
    });
    await engine.jobs.wait(job.id);
    const detail = engine.history.get(job.id);
    expect(detail.log.length).toBe(1000);
    expect(detail.logDropped).toBe(500);
    expect(detail.log[0].message).toContain('line 0');
    expect(detail.log.at(-1)?.message).toContain('line 1499');
    expect(JSON.stringify(detail)).not.toContain('sup3r-secret-pw');
  });

  it('writes log lines to the history while the job runs, so a crash keeps them, and drops the same lines there', async () => {
    const hold = gate();
    const half = gate();
    const job = engine.jobs.start({
      kind: 'maintenance',
      title: 'Long',
      run: async (ctx) => {
        for (let i = 0; i < 600; i++) ctx.log('info', `line ${i}`);
        half.open();
        await hold.opened;
        for (let i = 600; i < 1500; i++) ctx.log('info', `line ${i}`);
        return null;
      },
    });
    await half.opened;
    await new Promise((r) => setTimeout(r, 20)); // one throttle period (0 ms in tests) and a little
    const meanwhile = engine.history.get(job.id);
    expect(meanwhile.status).toBe('running');
    expect(meanwhile.log).toHaveLength(600);
    expect(meanwhile.log.at(-1)?.message).toBe('line 599');
    hold.open();
    await engine.jobs.wait(job.id);
    const detail = engine.history.get(job.id);
    expect(detail.log).toHaveLength(1000);
    expect(detail.logDropped).toBe(500);
    // The first fifth (how it started) and the most recent lines, in order, in memory and on disk alike.
    expect(detail.log.slice(0, 200).map((l) => l.message)).toEqual(Array.from({ length: 200 }, (_, i) => `line ${i}`));
    expect(detail.log.slice(200).map((l) => l.message)).toEqual(Array.from({ length: 800 }, (_, i) => `line ${700 + i}`));
  });

  it('gives the job its own id in the context', async () => {
    let seen: string | undefined;
    const job = engine.jobs.start({ kind: 'maintenance', title: 'Who am I', run: async (ctx) => (seen = ctx.jobId) });
    await engine.jobs.wait(job.id);
    expect(seen).toBe(job.id);
    expect(engine.history.get(job.id).summary).toBe(job.id);
  });

  it('keeps only the newest finished jobs in memory; the history keeps them all', async () => {
    const jobs = new JobManager({ history: engine.history, keepFinished: 2 });
    const hold = gate();
    const running = jobs.start({ kind: 'backup', title: 'Still running', run: () => hold.opened });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const j = jobs.start({ kind: 'maintenance', title: `Job ${i}`, run: async () => i });
      ids.push(j.id);
      await jobs.wait(j.id);
    }
    expect(jobs.list().map((j) => j.title)).toEqual(['Still running', 'Job 2', 'Job 3']);
    // An older one is read back from the history, so waiting for it still works.
    expect(jobs.get(ids[0])).toMatchObject({ id: ids[0], title: 'Job 0', status: 'succeeded', summary: 0 });
    expect(await jobs.wait(ids[0])).toMatchObject({ status: 'succeeded', summary: 0 });
    expect(() => new JobManager({ keepFinished: 0 }).get(ids[0])).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
    hold.open();
    await jobs.wait(running.id);
  });

  it('estimates time left from the rate of progress', async () => {
    let now = 1_000_000;
    const jobs = new JobManager({ throttleMs: 0, now: () => now });
    const updates: Job[] = [];
    jobs.onUpdate((j) => updates.push(j));
    const step = gate();
    const job = jobs.start({
      kind: 'backup',
      title: 'Timed',
      run: async (ctx) => {
        ctx.onProgress({ phase: 'Copying', bytesDone: 0, bytesTotal: 1000 });
        now += 10_000;
        ctx.onProgress({ bytesDone: 250 });
        await step.opened;
        return null;
      },
    });
    await new Promise((r) => setImmediate(r));
    // 250 bytes in 10 s → 750 bytes left at 25 bytes/s = 30 s
    expect(updates.at(-1)?.progress.etaSeconds).toBe(30);
    step.open();
    await jobs.wait(job.id);
  });
});
