// Questions to a PostgreSQL server through psql (the client tools are needed anyway for pg_dump, so
// no driver is added): one-off queries, and a session that keeps one transaction open, so that row
// counts and pg_dump read the same snapshot (pg_export_snapshot + pg_dump --snapshot).
import { pgError, startTool, type PgConnection, type PgToolsLocation } from './postgres-tools';

const PSQL_ARGS = ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '--no-password'];

/** Rows of tab-separated fields. */
export type Rows = string[][];

const rowsOf = (out: string): Rows =>
  out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));

/** One query (or several, `;`-separated) in its own connection; the rows of the last one. */
export async function pgQuery(tools: PgToolsLocation, conn: PgConnection, sql: string, signal?: AbortSignal): Promise<Rows> {
  const run = startTool(tools, 'psql', conn, [...PSQL_ARGS, '-d', conn.uri, '-c', sql], { signal });
  const out: Buffer[] = [];
  run.child.stdout?.on('data', (d: Buffer) => out.push(d));
  await run.done;
  return rowsOf(Buffer.concat(out).toString('utf8'));
}

/** A quoted identifier ("my table"). */
export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
/** A quoted literal ('it''s'). */
export const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/**
 * A psql session kept open: each `query` is answered in order, in the same connection (and so in
 * the same transaction once BEGIN was sent). A failed statement ends the session (ON_ERROR_STOP).
 */
export class PgSession {
  private buffer = '';
  private seq = 0;
  private waiting: Array<{ marker: string; resolve: (rows: Rows) => void; reject: (err: unknown) => void }> = [];
  private readonly run;
  private failure: unknown = null;

  constructor(
    tools: PgToolsLocation,
    private readonly conn: PgConnection,
    signal?: AbortSignal,
  ) {
    this.run = startTool(tools, 'psql', conn, [...PSQL_ARGS, '-d', conn.uri], { signal, stdin: 'pipe' });
    this.run.child.stdout?.on('data', (d: Buffer) => this.onData(d.toString('utf8')));
    this.run.done.then(
      () => this.failAll(pgError('psql ended early', conn, 'psql')),
      (err: unknown) => this.failAll(err),
    );
    this.run.child.stdin?.on('error', () => undefined); // a dead psql is reported by `done`
  }

  private failAll(err: unknown): void {
    this.failure = err;
    for (const w of this.waiting.splice(0)) w.reject(err);
  }

  private onData(text: string): void {
    this.buffer += text;
    while (this.waiting.length > 0) {
      const { marker, resolve } = this.waiting[0];
      const at = this.buffer.indexOf(`${marker}\n`);
      if (at < 0) return;
      const out = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + marker.length + 1);
      this.waiting.shift();
      resolve(rowsOf(out));
    }
  }

  query(sql: string): Promise<Rows> {
    if (this.failure) return Promise.reject(this.failure);
    const marker = `__pci_done_${++this.seq}_${process.pid}__`;
    return new Promise<Rows>((resolve, reject) => {
      this.waiting.push({ marker, resolve, reject });
      this.run.child.stdin?.write(`${sql.trim().replace(/;?$/, ';')}\n\\echo ${marker}\n`);
    });
  }

  async close(): Promise<void> {
    if (this.failure === null) this.run.child.stdin?.end('\\q\n');
    await this.run.done.catch(() => undefined);
  }

  /** Ends the session at once (its open transaction is rolled back by the server). */
  kill(): void {
    this.run.child.kill('SIGKILL');
  }

  get connection(): PgConnection {
    return this.conn;
  }
}

/** The ordinary tables of the database (not PostgreSQL's own), with their exact row counts in the current snapshot (empty: not readable by this user). */
export const TABLE_ROWS_SQL = `
SELECT n.nspname, c.relname,
  CASE WHEN has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT')
    THEN (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
ORDER BY 1, 2`;

export interface TableRows {
  schema: string;
  name: string;
  /** null: the user may not read the table. */
  rows: number | null;
}

export const tableRowsOf = (rows: Rows): TableRows[] => rows.map(([schema, name, n]) => ({ schema, name, rows: n === undefined || n === '' ? null : Number(n) }));

/** The rows of tables that were all readable (a backup refuses otherwise). */
export const countedRows = (tables: TableRows[]): Array<{ schema: string; name: string; rows: number }> => tables.map((t) => ({ schema: t.schema, name: t.name, rows: t.rows ?? 0 }));
