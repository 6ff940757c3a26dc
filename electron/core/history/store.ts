// The history of every operation, kept in SQLite so it survives restarts and crashes.
import type Database from 'better-sqlite3';
import { HistoryQuery, type HistoryDetail, type HistoryItem, type HistoryPage } from '../../../shared/contract';
import type { Job, JobLogLine } from '../../../shared/jobs';
import { UserErrorData, userError } from '../../../shared/errors';
import { JobKind, JobStatus } from '../../../shared/jobs';

interface OperationRow {
  id: string;
  kind: string;
  title: string;
  status: string;
  profile: string | null;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  summary_json: string | null;
  error_json: string | null;
  log_dropped: number;
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function toItem(row: OperationRow): HistoryItem {
  const error = UserErrorData.safeParse(parseJson(row.error_json));
  return {
    id: row.id,
    kind: JobKind.parse(row.kind),
    title: row.title,
    status: JobStatus.parse(row.status),
    profile: row.profile,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    summary: parseJson(row.summary_json),
    error: error.success ? error.data : null,
  };
}

export class HistoryStore {
  constructor(private readonly db: Database.Database) {}

  /** A row is written when a job starts, so a crash still leaves a trace (marked interrupted at next start). */
  recordStart(job: Job): void {
    this.db
      .prepare(`INSERT OR REPLACE INTO operations (id, kind, title, status, profile, started_at) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(job.id, job.kind, job.title, job.status, job.profile, job.startedAt ?? new Date().toISOString());
  }

  /** Lines of a running job's log as they come (so a crash keeps them), and the ones it dropped since. */
  appendLog(opId: string, lines: readonly (JobLogLine & { seq: number })[], droppedSeqs: readonly number[] = []): void {
    const insert = this.db.prepare(`INSERT OR REPLACE INTO operation_logs (op_id, seq, at, level, message) VALUES (?, ?, ?, ?, ?)`);
    const remove = this.db.prepare(`DELETE FROM operation_logs WHERE op_id = ? AND seq = ?`);
    this.db.transaction(() => {
      for (const l of lines) insert.run(opId, l.seq, l.at, l.level, l.message);
      for (const seq of droppedSeqs) remove.run(opId, seq);
    })();
  }

  /** The final state of a job; `log` replaces its log lines, null keeps the ones appended as it ran. */
  recordFinish(job: Job, log: readonly JobLogLine[] | null, logDropped: number): void {
    const started = job.startedAt ? Date.parse(job.startedAt) : NaN;
    const finished = job.finishedAt ? Date.parse(job.finishedAt) : NaN;
    const insertLog = this.db.prepare(`INSERT INTO operation_logs (op_id, seq, at, level, message) VALUES (?, ?, ?, ?, ?)`);
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE operations SET status = ?, finished_at = ?, duration_ms = ?, summary_json = ?, error_json = ?, log_dropped = ? WHERE id = ?`,
        )
        .run(
          job.status,
          job.finishedAt,
          Number.isFinite(started) && Number.isFinite(finished) ? finished - started : null,
          job.summary === null || job.summary === undefined ? null : JSON.stringify(job.summary),
          job.error ? JSON.stringify(job.error) : null,
          logDropped,
          job.id,
        );
      if (log === null) return;
      this.db.prepare(`DELETE FROM operation_logs WHERE op_id = ?`).run(job.id);
      log.forEach((line, i) => insertLog.run(job.id, i, line.at, line.level, line.message));
    })();
  }

  /** Rows left "running" by a process that was killed or crashed. */
  markInterrupted(now = new Date()): number {
    const error: UserErrorData = {
      code: 'INTERNAL',
      title: 'Interrupted',
      message: 'This operation was interrupted: the app was closed or the computer stopped while it ran.',
      hint: 'Run it again. Nothing is marked as finished that did not finish.',
    };
    const info = this.db
      .prepare(`UPDATE operations SET status = 'failed', finished_at = ?, error_json = ? WHERE status IN ('running', 'canceling')`)
      .run(now.toISOString(), JSON.stringify(error));
    return info.changes;
  }

  list(query: HistoryQuery = {}): HistoryPage {
    const q = HistoryQuery.parse(query);
    const where: string[] = [];
    const params: string[] = [];
    for (const [column, value] of [['kind', q.kind], ['status', q.status], ['profile', q.profile]] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      params.push(value);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM operations ${clause}`).get(...params) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM operations ${clause} ORDER BY started_at DESC, rowid DESC LIMIT ? OFFSET ?`)
      .all(...params, q.limit, q.offset) as OperationRow[];
    return { total, items: rows.map(toItem) };
  }

  get(id: string): HistoryDetail {
    const row = this.db.prepare(`SELECT * FROM operations WHERE id = ?`).get(id) as OperationRow | undefined;
    if (!row) throw userError('NOT_FOUND', 'Not found', 'There is no operation with this id in the history.', 'Pick an entry from the History page.');
    const log = this.db.prepare(`SELECT at, level, message FROM operation_logs WHERE op_id = ? ORDER BY seq`).all(id) as JobLogLine[];
    return { ...toItem(row), log, logDropped: row.log_dropped };
  }
}
