// Helpers for the SQLite source's tests: databases of a given size and journal mode, "the app" as a
// real child process that writes continuously (or holds the file open), and a real backup location
// to back up into and read back from.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { currentBinding, openDatabase } from '../../electron/core/native/sqlite';
import { sinkFor } from '../../electron/core/sources/sink';
import { backupSqlite, type SqliteBackupOptions, type SqliteSourceConfig } from '../../electron/core/sources/sqlite';
import type { Repository, SnapshotHeader, SqliteDatabaseEntry } from '../../electron/core/repository';
import { testContext, type TestContext } from './backup';

const require = createRequire(import.meta.url);
export const BETTER_SQLITE3 = require.resolve('better-sqlite3');

export type JournalMode = 'wal' | 'delete';

/**
 * A shop-like database: `orders` and `order_lines` grow together (one line per order, in one
 * transaction) and `counter.n` says how many orders there are, so a copy taken at one moment has
 * count(orders) = count(order_lines) = counter.n. `filler` pads the file to about `bytes`.
 */
export function makeShopDb(file: string, options: { journal: JournalMode; orders?: number; bytes?: number }): void {
  const db = openDatabase(file);
  db.pragma(`journal_mode = ${options.journal}`);
  db.exec(`
    CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, total REAL);
    CREATE TABLE order_lines (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id), item TEXT);
    CREATE INDEX order_lines_order ON order_lines(order_id);
    CREATE TABLE counter (k INTEGER PRIMARY KEY CHECK (k = 1), n INTEGER NOT NULL);
    CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB);
    INSERT INTO counter VALUES (1, 0);
  `);
  const order = db.prepare('INSERT INTO orders (customer, total) VALUES (?, ?)');
  const line = db.prepare('INSERT INTO order_lines (order_id, item) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < (options.orders ?? 100); i++) {
      const id = order.run(`customer ${i}`, i * 1.25).lastInsertRowid;
      line.run(id, `item ${i}`);
    }
    db.prepare('UPDATE counter SET n = (SELECT count(*) FROM orders)').run();
    // Random bytes, which do not compress, like photos kept in a database.
    const fill = db.prepare('INSERT INTO filler (data) VALUES (randomblob(4000))');
    for (let n = 0; n * 4096 < (options.bytes ?? 0); n++) fill.run();
  })();
  db.close();
}

/** Counts the shop's rows (read-write, so SQLite tidies a WAL database's -wal/-shm files on close). */
export function shopCounts(file: string): { orders: number; lines: number; counter: number } {
  const db = openDatabase(file, { fileMustExist: true });
  try {
    const n = (sql: string) => Number((db.prepare(sql).get() as { n: number }).n);
    return { orders: n('SELECT count(*) AS n FROM orders'), lines: n('SELECT count(*) AS n FROM order_lines'), counter: n('SELECT n FROM counter') };
  } finally {
    db.close();
  }
}

/** A child process script (plain Node, its own better-sqlite3 connection), as the app would be. */
function script(body: string): string {
  return `
    const Database = require(${JSON.stringify(BETTER_SQLITE3)});
    const binding = ${JSON.stringify(currentBinding().path)};
    ${body}
  `;
}

export interface AppProcess {
  child: ChildProcess;
  /** Resolves when the child has printed this many lines (each line is one report). */
  lines(n: number): Promise<string[]>;
  stop(): Promise<void>;
}

function run(body: string, args: string[] = []): AppProcess {
  const child = spawn(process.execPath, ['-e', script(body), '--', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const seen: string[] = [];
  let buffer = '';
  const waiters: { n: number; resolve: (l: string[]) => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      seen.push(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
    }
    for (const w of [...waiters]) {
      if (seen.length < w.n) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(seen.slice());
    }
  });
  return {
    child,
    lines: (n) =>
      new Promise((resolve, reject) => {
        if (seen.length >= n) return resolve(seen.slice());
        waiters.push({ n, resolve });
        child.once('exit', (code) => reject(new Error(`the child process ended (${code}) after ${seen.length} lines`)));
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin!.end(); // the scripts stop when their input closes
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The app writing all the time: each transaction adds one order with its line and bumps the
 * counter, one about every millisecond. It prints a line after every 20 transactions and stops when its input closes.
 */
export function startWriter(file: string): AppProcess {
  return run(`
    const db = new Database(process.argv[1], { nativeBinding: binding, timeout: 10000 });
    // Without waiting for the disk on each commit (this machine's disk takes ~15 ms per commit),
    // so a commit takes what it takes on a fast disk; locking is the same.
    db.pragma('synchronous = OFF');
    const order = db.prepare('INSERT INTO orders (customer, total) VALUES (?, ?)');
    const line = db.prepare('INSERT INTO order_lines (order_id, item) VALUES (?, ?)');
    const bump = db.prepare('UPDATE counter SET n = n + 1');
    const tx = db.transaction((i) => { const id = order.run('c' + i, i / 3).lastInsertRowid; line.run(id, 'x'.repeat(i % 300)); bump.run(); });
    let stop = false;
    process.stdin.on('end', () => { stop = true; }).resume();
    let i = 0;
    // A transaction, then a millisecond's pause, as an app answering requests: with a rollback
    // journal a writer that never pauses would keep every reader out (SQLite's locks are not fair).
    const step = () => {
      if (!stop) tx(i++);
      if (i % 20 === 0) process.stdout.write(i + '\\n');
      if (stop) { db.close(); process.exit(0); } else setTimeout(step, 1);
    };
    step();
  `, [file]);
}

/** The app with the database open and idle (optionally holding a write lock), until its input closes. */
export function holdOpen(file: string, options: { writeLock?: boolean } = {}): AppProcess {
  return run(`
    const db = new Database(process.argv[1], { nativeBinding: binding });
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    if (${options.writeLock ? 'true' : 'false'}) db.exec('BEGIN IMMEDIATE');
    process.stdout.write('open\\n');
    process.stdin.on('end', () => { if (db.inTransaction) db.exec('ROLLBACK'); db.close(); process.exit(0); }).resume();
  `, [file]);
}

/** Backs `source` up into a new restore point of `repo`; returns the header, the entry and the report. */
export async function backupInto(repo: Repository, source: SqliteSourceConfig, options: SqliteBackupOptions = {}, ctx: TestContext = testContext()) {
  const writer = repo.createManifestWriter();
  const sink = sinkFor(repo, writer);
  const report = await backupSqlite(source, sink, ctx, options);
  const header: SnapshotHeader = await writer.finish({ tags: ['manual'], profile: 'Portfolio', appVersion: 'test', consistency: 'point-in-time' });
  let entry: SqliteDatabaseEntry | undefined;
  for await (const e of repo.readManifest(header)) if (e.kind === 'sqlite-database') entry = e;
  return { header, entry: entry!, report, ctx };
}

export const source = (path: string, exportTables: string[] = []): SqliteSourceConfig => ({ path, exportTables, exportKeepWeeks: 12 });
