// Update records in the history database (migration 003): one per update of PCI File Manager, from
// the first before-check to the notes written afterwards. JSON columns are read defensively: a record
// written by another version still opens, with what cannot be read left empty.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { Baseline, ChecklistRun, UpdateEvent, UpdateRecord, type UpdateStatus } from '../../../shared/api/checklist';
import { userError } from '../../../shared/errors';

interface Row {
  id: string;
  profile: string;
  status: string;
  from_version: string | null;
  to_version: string | null;
  snapshot_id: string | null;
  created_at: string;
  ready_at: string | null;
  finished_at: string | null;
  before_json: string | null;
  baseline_json: string | null;
  after_json: string | null;
  confirmations_json: string;
  acknowledged_json: string;
  notes: string;
  outcome: string | null;
  events_json: string;
}

function json<T>(text: string | null, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }): T | null {
  if (text === null) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function toRecord(row: Row): UpdateRecord {
  return UpdateRecord.parse({
    id: row.id,
    profile: row.profile,
    status: row.status,
    fromVersion: row.from_version,
    toVersion: row.to_version,
    snapshotId: row.snapshot_id,
    createdAt: row.created_at,
    readyAt: row.ready_at,
    finishedAt: row.finished_at,
    before: json(row.before_json, ChecklistRun),
    baseline: json(row.baseline_json, Baseline),
    after: json(row.after_json, ChecklistRun),
    confirmations: json(row.confirmations_json, UpdateRecord.shape.confirmations) ?? {},
    acknowledged: json(row.acknowledged_json, UpdateRecord.shape.acknowledged) ?? {},
    notes: row.notes,
    outcome: row.outcome === 'ok' || row.outcome === 'problems' || row.outcome === 'rolled-back' ? row.outcome : null,
    events: json(row.events_json, z.array(UpdateEvent)) ?? [],
  });
}

const OPEN: UpdateStatus[] = ['preparing', 'updating'];

export type RecordPatch = Partial<Omit<UpdateRecord, 'id' | 'profile' | 'createdAt'>>;

const COLUMNS: Record<keyof RecordPatch, string> = {
  status: 'status',
  fromVersion: 'from_version',
  toVersion: 'to_version',
  snapshotId: 'snapshot_id',
  readyAt: 'ready_at',
  finishedAt: 'finished_at',
  before: 'before_json',
  baseline: 'baseline_json',
  after: 'after_json',
  confirmations: 'confirmations_json',
  acknowledged: 'acknowledged_json',
  notes: 'notes',
  outcome: 'outcome',
  events: 'events_json',
};
const JSON_FIELDS = new Set<keyof RecordPatch>(['before', 'baseline', 'after', 'confirmations', 'acknowledged', 'events']);

export class UpdateRecordStore {
  constructor(private readonly db: Database.Database) {}

  get(id: string): UpdateRecord {
    const row = this.db.prepare(`SELECT * FROM update_records WHERE id = ?`).get(id) as Row | undefined;
    if (!row) throw userError('NOT_FOUND', 'Update not found', 'There is no update record with this id.', 'Open the pre-update checklist again.');
    return toRecord(row);
  }

  /** The open update of a profile (at most one is kept open; see open()). */
  current(profile: string): UpdateRecord | null {
    const row = this.db
      .prepare(`SELECT * FROM update_records WHERE profile = ? AND status IN (${OPEN.map(() => '?').join(',')}) ORDER BY created_at DESC, rowid DESC LIMIT 1`)
      .get(profile, ...OPEN) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  list(options: { profile?: string; limit?: number } = {}): UpdateRecord[] {
    const where = options.profile === undefined ? '' : 'WHERE profile = ?';
    const params: unknown[] = options.profile === undefined ? [] : [options.profile];
    const rows = this.db.prepare(`SELECT * FROM update_records ${where} ORDER BY created_at DESC, rowid DESC LIMIT ?`).all(...params, options.limit ?? 20) as Row[];
    return rows.map(toRecord);
  }

  /** The profile's open update, or a new one: two open updates of one installation would only confuse. */
  open(profile: string, now = new Date()): UpdateRecord {
    const existing = this.current(profile);
    if (existing) return existing;
    const id = randomUUID();
    const at = now.toISOString();
    this.db.prepare(`INSERT INTO update_records (id, profile, status, created_at, updated_at) VALUES (?, ?, 'preparing', ?, ?)`).run(id, profile, at, at);
    return this.get(id);
  }

  patch(id: string, patch: RecordPatch, now = new Date()): UpdateRecord {
    const keys = (Object.keys(patch) as Array<keyof RecordPatch>).filter((k) => patch[k] !== undefined);
    if (keys.length > 0) {
      const sets = keys.map((k) => `${COLUMNS[k]} = ?`).join(', ');
      const values = keys.map((k) => (JSON_FIELDS.has(k) ? (patch[k] === null ? null : JSON.stringify(patch[k])) : patch[k]));
      const info = this.db.prepare(`UPDATE update_records SET ${sets}, updated_at = ? WHERE id = ?`).run(...values, now.toISOString(), id);
      if (info.changes === 0) this.get(id); // throws NOT_FOUND
    }
    return this.get(id);
  }
}

/** A successful rollback of this update, if there was one. */
export function rolledBack(record: UpdateRecord): boolean {
  return record.events.some((e) => e.kind === 'rollback' && e.ok);
}

/** Refuse changes to a closed record (finished or abandoned): it is history now. */
export function requireOpen(record: UpdateRecord): UpdateRecord {
  if (record.status === 'finished' || record.status === 'abandoned') {
    throw userError('INVALID_INPUT', 'Update already closed', 'This update is already closed.', 'Start a new pre-update checklist.');
  }
  return record;
}
