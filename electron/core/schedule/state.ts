// What the scheduler remembers between runs (history database, migration 004): per task, since when
// it is planned and the last slot it handled. See 004-schedule.ts for why claiming is one UPDATE.
import type Database from 'better-sqlite3';
import type { LastScheduledRun, TaskOutcome } from '../../../shared/api/schedule';

interface Row {
  task: string;
  since: string;
  last_slot: string | null;
  last_due_at: string | null;
  last_started_at: string | null;
  last_outcome: string | null;
  last_missed: number;
  last_op_id: string | null;
  last_message: string | null;
}

export interface SlotClaim {
  slot: string;
  dueAt: number;
  startedAt: number;
  missed: boolean;
}

export class ScheduleState {
  constructor(private readonly db: Database.Database) {}

  /** When the task's schedule began; the first call fixes it (to `fallback`), so older dates never count as missed. */
  since(task: string, fallback: number): number {
    this.db.prepare(`INSERT OR IGNORE INTO schedule_state (task, since) VALUES (?, ?)`).run(task, new Date(fallback).toISOString());
    return Date.parse(this.row(task)!.since);
  }

  /** A changed schedule starts afresh: runs planned before the change are not caught up. */
  restart(task: string, at: number): void {
    this.db
      .prepare(`INSERT INTO schedule_state (task, since) VALUES (?, ?) ON CONFLICT (task) DO UPDATE SET since = excluded.since`)
      .run(task, new Date(at).toISOString());
  }

  /** Take a slot for this process; false when it was handled already (by us or another process). */
  claim(task: string, claim: SlotClaim): boolean {
    const info = this.db
      .prepare(
        `UPDATE schedule_state SET last_slot = ?, last_due_at = ?, last_started_at = ?, last_missed = ?, last_outcome = 'started', last_op_id = NULL, last_message = ''
         WHERE task = ? AND (last_slot IS NULL OR last_slot < ?)`,
      )
      .run(claim.slot, new Date(claim.dueAt).toISOString(), new Date(claim.startedAt).toISOString(), claim.missed ? 1 : 0, task, claim.slot);
    return info.changes === 1;
  }

  /** What came of the claimed slot: the job it started, or why it did not start. */
  settle(task: string, outcome: TaskOutcome, opId: string | null, message: string): void {
    this.db.prepare(`UPDATE schedule_state SET last_outcome = ?, last_op_id = ?, last_message = ? WHERE task = ?`).run(outcome, opId, message, task);
  }

  lastSlot(task: string): string | null {
    return this.row(task)?.last_slot ?? null;
  }

  lastRun(task: string): LastScheduledRun | null {
    const r = this.row(task);
    if (!r || !r.last_slot || !r.last_due_at || !r.last_started_at) return null;
    return {
      dueAt: r.last_due_at,
      startedAt: r.last_started_at,
      outcome: (r.last_outcome ?? 'started') as TaskOutcome,
      missed: r.last_missed === 1,
      opId: r.last_op_id,
      message: r.last_message ?? '',
    };
  }

  private row(task: string): Row | undefined {
    return this.db.prepare(`SELECT * FROM schedule_state WHERE task = ?`).get(task) as Row | undefined;
  }
}
