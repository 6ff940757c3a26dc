// The history store on a real SQLite file: migrations, paging and filters, crash safety.
import { spawn } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openHistoryDb, migrate } from '../../../electron/core/history/db';
import { MIGRATIONS } from '../../../electron/core/history/migrations';
import { HistoryStore } from '../../../electron/core/history/store';
import { currentBinding, openDatabase } from '../../../electron/core/native/sqlite';
import type { Job } from '../../../shared/jobs';
import { tempDir } from '../../support/engine';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function dbFile(): string {
  const d = tempDir();
  dirs.push(d);
  return path.join(d, 'history.sqlite');
}

function job(id: string, kind: Job['kind'], status: Job['status'], startedAt: string): Job {
  return { id, kind, title: `${kind} ${id}`, profile: 'office', status, progress: { phase: '', done: 0, total: null, unit: '', bytesDone: 0, bytesTotal: null, etaSeconds: null, message: '' }, startedAt, finishedAt: startedAt, summary: { n: 1 }, error: null };
}

describe('history database', () => {
  it('migrates to the latest version in WAL mode, and is idempotent', () => {
    const file = dbFile();
    const db = openHistoryDb(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    migrate(db);
    db.close();
    const again = openHistoryDb(file);
    expect(again.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    again.close();
  });

  it('a failing migration rolls back together with its version bump', () => {
    const db = openDatabase(dbFile());
    const broken = [...MIGRATIONS, (d: Database.Database) => {
      d.exec('CREATE TABLE half (x)');
      throw new Error('boom');
    }];
    expect(() => migrate(db, broken)).toThrow('boom');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    db.close();
  });

  it('refuses a database from a newer version with a plain message', () => {
    const file = dbFile();
    const db = openDatabase(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    db.close();
    expect(() => openHistoryDb(file)).toThrowError(expect.objectContaining({ message: expect.stringContaining('newer version') }));
  });

  it('lists newest first, pages, and filters by kind and status', () => {
    const store = new HistoryStore(openHistoryDb(dbFile()));
    for (let i = 0; i < 30; i++) {
      const j = job(`j${i}`, i % 3 === 0 ? 'verify' : 'backup', i % 5 === 0 ? 'failed' : 'succeeded', new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString());
      store.recordStart(j);
      store.recordFinish(j, [], 0);
    }
    const first = store.list({ limit: 10 });
    expect(first.total).toBe(30);
    expect(first.items.map((i) => i.id).slice(0, 3)).toEqual(['j29', 'j28', 'j27']);
    expect(store.list({ limit: 10, offset: 25 }).items.length).toBe(5);
    expect(store.list({ kind: 'verify' }).total).toBe(10);
    expect(store.list({ kind: 'backup', status: 'failed' }).items.every((i) => i.kind === 'backup' && i.status === 'failed')).toBe(true);
    expect(() => store.get('nope')).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('filters by several statuses at once (every run that went to its end)', () => {
    const store = new HistoryStore(openHistoryDb(dbFile()));
    for (const [i, status] of (['succeeded', 'problems', 'failed', 'canceled'] as const).entries()) {
      const j = job(`s${i}`, 'consistency', status, new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString());
      store.recordStart(j);
      store.recordFinish(j, [], 0);
    }
    expect(store.list({ status: ['succeeded', 'problems'] }).items.map((i) => i.status)).toEqual(['problems', 'succeeded']);
    expect(store.list({ status: 'problems' }).total).toBe(1);
  });

  it('migration 5 gives runs that found problems their own outcome, and leaves the others alone', () => {
    const db = openDatabase(dbFile());
    migrate(db, MIGRATIONS.slice(0, 4));
    const add = db.prepare(`INSERT INTO operations (id, kind, title, status, started_at, summary_json, error_json) VALUES (?, ?, 't', ?, '2026-01-01T00:00:00Z', ?, ?)`);
    const damaged = JSON.stringify({ code: 'BACKUP_DAMAGED', title: 'Problems found', message: 'Verification found 1 problem in the backup.', hint: 'Make a new backup now.' });
    add.run('c-found', 'consistency', 'succeeded', JSON.stringify({ ok: false, problems: 9 }), null);
    add.run('c-clean', 'consistency', 'succeeded', JSON.stringify({ ok: true, problems: 0 }), null);
    add.run('l-found', 'checklist', 'succeeded', JSON.stringify({ ok: false, phase: 'after', checks: [] }), null);
    add.run('v-found', 'verify', 'failed', JSON.stringify({ ok: false, problemCount: 1 }), damaged);
    add.run('v-could-not', 'verify', 'failed', null, JSON.stringify({ code: 'WRONG_PASSPHRASE', title: 'x', message: 'x', hint: 'x' }));
    add.run('b-ok', 'backup', 'succeeded', JSON.stringify({ ok: false }), null);
    migrate(db);
    const store = new HistoryStore(db);
    const status = (id: string) => store.get(id).status;
    expect(['c-found', 'c-clean', 'l-found', 'v-found', 'v-could-not', 'b-ok'].map(status)).toEqual(['problems', 'succeeded', 'problems', 'problems', 'failed', 'succeeded']);
    expect(store.get('c-found').error).toMatchObject({ code: 'PROBLEMS_FOUND' });
    expect(store.get('v-found').error).toMatchObject({ code: 'BACKUP_DAMAGED' }); // its finding kept
    db.close();
  });

  it('marks operations left running by a killed process as interrupted', () => {
    const file = dbFile();
    const store = new HistoryStore(openHistoryDb(file));
    store.recordStart(job('r1', 'backup', 'running', new Date().toISOString()));
    expect(store.markInterrupted()).toBe(1);
    const item = store.get('r1');
    expect(item.status).toBe('failed');
    expect(item.error?.message).toContain('interrupted');
  });

  it('survives a kill -9 in the middle of writing', async () => {
    const file = dbFile();
    openHistoryDb(file).close();
    // A child process writes operations as fast as it can; we kill it mid-stream.
    const script = `
      const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
      const db = new Database(${JSON.stringify(file)}, { nativeBinding: ${JSON.stringify(currentBinding().path)} });
      db.pragma('journal_mode = WAL');
      const ins = db.prepare("INSERT INTO operations (id, kind, title, status, started_at) VALUES (?, 'backup', 't', 'running', ?)");
      const log = db.prepare("INSERT INTO operation_logs (op_id, seq, at, level, message) VALUES (?, ?, ?, 'info', ?)");
      let i = 0;
      process.stdout.write('go\\n');
      for (;;) { db.transaction(() => { ins.run('k' + i, new Date().toISOString()); for (let s = 0; s < 20; s++) log.run('k' + i, s, 'now', 'x'.repeat(200)); })(); i++; }
    `;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    // Let it write for a while (the work itself is the clock here), then kill it.
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        const probe = openDatabase(file, { readonly: true });
        const n = (probe.prepare('SELECT COUNT(*) AS n FROM operations').get() as { n: number }).n;
        probe.close();
        if (n > 200) {
          clearInterval(check);
          resolve();
        }
      }, 50);
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const db = openHistoryDb(file);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // Every committed operation has all of its log lines: no half transaction survived.
    const partial = db.prepare('SELECT op_id, COUNT(*) AS n FROM operation_logs GROUP BY op_id HAVING n != 20').all();
    expect(partial).toEqual([]);
    const store = new HistoryStore(db);
    expect(store.markInterrupted()).toBeGreaterThan(200);
    db.close();
  });
});
