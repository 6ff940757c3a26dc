// The job manager (DESIGN §3, STYLE 6–8): every long operation runs as a job with an id, progress,
// a bounded log and a cancel switch. Updates are throttled; the final state is always delivered.
// Log lines reach the history as the job runs (batched per throttle period), so a crash keeps them;
// the last `keepFinished` finished jobs stay in memory, older ones are found in the history.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { toUserErrorData, userError, UserError } from '../../../shared/errors';
import { isFinal, type Job, type JobKind, type JobLogLine, type JobProgress, type LogLevel, type OperationContext, type ProgressUpdate } from '../../../shared/jobs';
import type { HistoryStore } from '../history/store';
import type { ScopedLog } from '../log';
import { EtaEstimator } from './eta';

export interface JobSpec<T> {
  kind: JobKind;
  title: string;
  profile?: string | null;
  /** Resources this job writes (a backup location, a database). Two jobs never hold the same key. */
  locks?: string[];
  run: (ctx: OperationContext) => Promise<T>;
  /** Turn the result into the JSON summary kept in history (default: the result itself). */
  summarize?: (result: T) => unknown;
  /**
   * A job can finish its work and still have bad news (a verification that found damage): return the
   * error to record the job as failed, with its summary kept so the details can be shown.
   */
  verdict?: (result: T) => UserError | null;
  /**
   * A job that ran fine can have found problems (a storage check with missing files, damage found by a
   * verification): return what was found to record the job as 'problems', with the finding as its
   * error so every view can say what it was. A verdict (could not do its work) wins over findings.
   */
  findings?: (result: T) => UserError | null;
  /** What was done so far, kept as the summary when the job fails or is cancelled part-way (e.g. a restore). */
  partialSummary?: () => unknown;
  /**
   * Start even while another job holds one of the locks, and wait for them (phase "Waiting") before
   * `run`: an event-triggered backup answers at once and runs after the job in its way.
   */
  waitForLocks?: boolean;
  /** Runs first, before the locks are taken (with waitForLocks): a wait that must not hold them. */
  prepare?: (ctx: OperationContext) => Promise<void>;
}

export interface JobManagerOptions {
  history?: HistoryStore;
  log?: ScopedLog;
  throttleMs?: number;
  maxLogLines?: number;
  /** Finished jobs kept in memory for `get`/`list` (default 100); the history keeps all. */
  keepFinished?: number;
  redact?: (text: string) => string;
  now?: () => number;
}

interface Running {
  job: Job;
  controller: AbortController;
  log: SeqLine[];
  logDropped: number;
  nextSeq: number;
  /** Lines not yet in the history, and lines dropped from it since the last write. */
  unsaved: SeqLine[];
  dropped: number[];
  logTimer: ReturnType<typeof setTimeout> | null;
  eta: EtaEstimator;
  lastEmit: number;
  pending: ReturnType<typeof setTimeout> | null;
  done: Promise<Job>;
}

type SeqLine = JobLogLine & { seq: number };

const EMPTY_PROGRESS: JobProgress = { phase: 'Waiting', done: 0, total: null, unit: 'items', bytesDone: 0, bytesTotal: null, etaSeconds: null, message: '' };

export class JobManager {
  private readonly jobs = new Map<string, Running>();
  private readonly heldLocks = new Map<string, string>();
  private readonly events = new EventEmitter();
  private readonly throttleMs: number;
  private readonly maxLogLines: number;
  private readonly keepFinished: number;
  private readonly now: () => number;
  private readonly redact: (text: string) => string;

  constructor(private readonly options: JobManagerOptions = {}) {
    this.throttleMs = options.throttleMs ?? 250;
    this.maxLogLines = options.maxLogLines ?? 1000;
    this.keepFinished = options.keepFinished ?? 100;
    this.now = options.now ?? Date.now;
    this.redact = options.redact ?? ((t) => t);
  }

  onUpdate(listener: (job: Job) => void): () => void {
    this.events.on('update', listener);
    return () => this.events.off('update', listener);
  }

  list(): Job[] {
    return [...this.jobs.values()].map((r) => structuredClone(r.job));
  }

  get(id: string): Job {
    const running = this.jobs.get(id);
    const kept = running ? null : this.fromHistory(id);
    if (kept) return kept;
    if (!running) throw userError('NOT_FOUND', 'Job not found', 'There is no job with this id.', 'It may have finished before the app restarted; look in History.');
    return structuredClone(running.job);
  }

  /** A finished job no longer kept in memory, as the history recorded it. */
  private fromHistory(id: string): Job | null {
    let item;
    try {
      item = this.options.history?.get(id);
    } catch {
      return null;
    }
    if (!item || !isFinal(item.status)) return null;
    const { kind, title, profile, status, startedAt, finishedAt, summary, error } = item;
    return { id, kind, title, profile, status, progress: { ...EMPTY_PROGRESS, phase: 'Finished', etaSeconds: 0 }, startedAt, finishedAt, summary, error };
  }

  /** Resolves with the final state of the job (never rejects). */
  wait(id: string): Promise<Job> {
    const running = this.jobs.get(id);
    if (!running) return Promise.resolve().then(() => this.get(id));
    return running.done;
  }

  /** Start a job; returns at once. Throws BUSY when another job holds one of its locks (unless the spec waits for them). */
  start<T>(spec: JobSpec<T>): Job {
    const locks = spec.locks ?? [];
    const holder = this.holderOf(locks);
    if (holder && !spec.waitForLocks) {
      const other = this.jobs.get(holder)?.job;
      throw userError(
        'BUSY',
        'Another job is running',
        `"${other?.title ?? 'Another job'}" is already working on the same data.`,
        'Wait for it to finish (or cancel it), then try again.',
      );
    }
    const id = randomUUID();
    if (!spec.waitForLocks) for (const key of locks) this.heldLocks.set(key, id);
    const job: Job = {
      id,
      kind: spec.kind,
      title: spec.title,
      profile: spec.profile ?? null,
      status: 'running',
      progress: { ...EMPTY_PROGRESS, phase: 'Starting' },
      startedAt: new Date(this.now()).toISOString(),
      finishedAt: null,
      summary: null,
      error: null,
    };
    const controller = new AbortController();
    const running: Running = { job, controller, log: [], logDropped: 0, nextSeq: 0, unsaved: [], dropped: [], logTimer: null, eta: new EtaEstimator(this.now), lastEmit: 0, pending: null, done: Promise.resolve(job) };
    this.jobs.set(id, running);
    this.options.history?.recordStart(job);
    this.options.log?.info(`job ${id} started: ${spec.kind} "${spec.title}"`);
    this.emitNow(running);

    const ctx: OperationContext = {
      jobId: id,
      signal: controller.signal,
      onProgress: (update) => this.progress(running, update),
      log: (level, message) => this.appendLog(running, level, message),
    };
    running.done = this.execute(running, spec, ctx, locks);
    return structuredClone(job);
  }

  cancel(id: string): Job {
    const running = this.jobs.get(id);
    if (!running) return this.get(id);
    if (!isFinal(running.job.status) && running.job.status !== 'canceling') {
      running.job.status = 'canceling';
      running.job.progress.message = 'Stopping…';
      this.appendLog(running, 'info', 'Cancel requested.');
      running.controller.abort(userError('CANCELED', 'Cancelled', 'The job was cancelled.', 'Start it again when you are ready.'));
      this.emitNow(running);
    }
    return structuredClone(running.job);
  }

  /** Cancel everything and wait for the jobs to end (app shutdown). */
  async shutdown(): Promise<void> {
    const open = [...this.jobs.values()].filter((r) => !isFinal(r.job.status));
    for (const r of open) this.cancel(r.job.id);
    await Promise.all(open.map((r) => r.done));
  }

  private holderOf(locks: readonly string[]): string | undefined {
    return locks.map((k) => this.heldLocks.get(k)).find((h) => h !== undefined);
  }

  /** Wait until no other job holds one of `locks`, then hold them all (checked and taken in one turn of the event loop). */
  private async takeLocks(running: Running, locks: readonly string[], ctx: OperationContext): Promise<void> {
    const cancelled = new Promise<never>((_resolve, reject) => {
      const stop = () => reject(ctx.signal.reason);
      if (ctx.signal.aborted) stop();
      else ctx.signal.addEventListener('abort', stop, { once: true });
    });
    cancelled.catch(() => undefined);
    for (;;) {
      ctx.signal.throwIfAborted();
      const holder = this.holderOf(locks);
      const other = holder ? this.jobs.get(holder) : undefined;
      if (!other) {
        for (const key of locks) this.heldLocks.set(key, running.job.id);
        return;
      }
      this.appendLog(running, 'info', `Waiting for "${other.job.title}" to finish: it works on the same data.`);
      this.progress(running, { phase: 'Waiting for another job', message: `"${other.job.title}" is working on the same data; this starts when it ends.` });
      await Promise.race([other.done, cancelled]);
    }
  }

  private async execute<T>(running: Running, spec: JobSpec<T>, ctx: OperationContext, locks: string[]): Promise<Job> {
    const { job } = running;
    try {
      if (spec.prepare) await spec.prepare(ctx);
      if (spec.waitForLocks) await this.takeLocks(running, locks, ctx);
      const result = await spec.run(ctx);
      job.summary = spec.summarize ? spec.summarize(result) : (result ?? null);
      const verdict = spec.verdict?.(result) ?? null;
      const found = verdict ? null : (spec.findings?.(result) ?? null);
      job.status = verdict ? 'failed' : found ? 'problems' : 'succeeded';
      const bad = verdict ?? found;
      if (bad) {
        job.error = bad.toJSON();
        this.appendLog(running, 'warn', `${bad.message} ${bad.details ?? ''}`.trim());
      }
    } catch (err) {
      job.summary = spec.partialSummary?.() ?? null;
      // Cancel is a result, not a failure (STYLE 7).
      if (running.controller.signal.aborted) {
        job.status = 'canceled';
        this.appendLog(running, 'info', 'Cancelled.');
      } else {
        job.status = 'failed';
        job.error = toUserErrorData(err);
        this.appendLog(running, 'error', err instanceof UserError ? `${err.message} ${err.details ?? ''}`.trim() : String(err instanceof Error ? (err.stack ?? err.message) : err));
        this.options.log?.error(`job ${job.id} failed:`, err);
      }
    }
    job.finishedAt = new Date(this.now()).toISOString();
    job.progress.etaSeconds = 0;
    for (const key of locks) if (this.heldLocks.get(key) === job.id) this.heldLocks.delete(key);
    this.saveLog(running);
    running.log = []; // in the history now; a finished job in memory keeps only its state
    try {
      this.options.history?.recordFinish(job, null, running.logDropped);
    } catch (err) {
      this.options.log?.error(`job ${job.id}: could not write history`, err);
    }
    this.options.log?.info(`job ${job.id} ${job.status}`);
    this.emitNow(running);
    this.evictFinished();
    return structuredClone(job);
  }

  /** Keep the newest `keepFinished` finished jobs in memory (Map order is start order). */
  private evictFinished(): void {
    const finished = [...this.jobs.values()].filter((r) => isFinal(r.job.status));
    for (const r of finished.slice(0, Math.max(0, finished.length - this.keepFinished))) this.jobs.delete(r.job.id);
  }

  /** Write the lines logged since the last write (and forget the ones dropped) in one transaction. */
  private saveLog(running: Running): void {
    if (running.logTimer) clearTimeout(running.logTimer);
    running.logTimer = null;
    if (running.unsaved.length === 0 && running.dropped.length === 0) return;
    const lines = running.unsaved.splice(0);
    const dropped = running.dropped.splice(0);
    try {
      this.options.history?.appendLog(running.job.id, lines, dropped);
    } catch (err) {
      this.options.log?.error(`job ${running.job.id}: could not write its log to the history`, err);
    }
  }

  private progress(running: Running, update: ProgressUpdate): void {
    if (isFinal(running.job.status)) return;
    const p = running.job.progress;
    if (update.phase !== undefined && update.phase !== p.phase) running.eta.reset();
    Object.assign(p, update);
    p.etaSeconds = running.eta.estimate(p);
    this.emitThrottled(running);
  }

  private appendLog(running: Running, level: LogLevel, message: string): void {
    const line: SeqLine = { seq: running.nextSeq++, at: new Date(this.now()).toISOString(), level, message: this.redact(message) };
    running.log.push(line);
    running.unsaved.push(line);
    // Keep the first lines (how it started) and the most recent ones; count what was dropped.
    if (running.log.length > this.maxLogLines) {
      const [gone] = running.log.splice(Math.floor(this.maxLogLines / 5), 1);
      const unsavedAt = running.unsaved.indexOf(gone);
      if (unsavedAt >= 0) running.unsaved.splice(unsavedAt, 1);
      else running.dropped.push(gone.seq);
      running.logDropped++;
    }
    running.logTimer ??= setTimeout(() => this.saveLog(running), this.throttleMs);
  }

  private emitThrottled(running: Running): void {
    const wait = running.lastEmit + this.throttleMs - this.now();
    if (wait <= 0) return this.emitNow(running);
    running.pending ??= setTimeout(() => this.emitNow(running), wait);
  }

  private emitNow(running: Running): void {
    if (running.pending) clearTimeout(running.pending);
    running.pending = null;
    running.lastEmit = this.now();
    this.events.emit('update', structuredClone(running.job));
  }
}
