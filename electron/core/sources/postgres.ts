// Backs up one PostgreSQL database (a media server's, say): `pg_dump --format=custom --compress=0`
// of one snapshot, streamed through the location's content-defined chunker (uncompressed, so a
// daily dump of a database that changed a little stores little), with the exact rows of every
// table counted in that same snapshot, and the server's roles (`pg_dumpall --globals-only`) beside
// it. The entry is `postgres/<database>` (docs/backup-format.md §6). Also the connection test and
// the description (version, size, tables, what the user may do) for health and the checklist.
import { userError } from '../../../shared/errors';
import type { OperationContext } from '../../../shared/jobs';
import type { PostgresDatabaseEntry } from '../repository';
import { countedRows, ident, PgSession, pgQuery, TABLE_ROWS_SQL, tableRowsOf, type TableRows } from './postgres-sql';
import { findPgTools, parsePgUri, startTool, type PgConnection, type PgToolsLocation, type PgToolsOptions } from './postgres-tools';
import { PhaseProgress, storeStreamChunks, type BackupSink, type SourceReport } from './sink';

export const POSTGRES_PHASE = 'Backing up the PostgreSQL database';

/** A PostgreSQL source as a backup needs it: the connection URI (a secret) and where the tools are. */
export interface PostgresSourceConfig {
  uri: string;
  tools?: PgToolsOptions;
}

export interface PostgresPrivileges {
  superuser: boolean;
  createdb: boolean;
  /** The user owns the database (or is a member of its owner). */
  owner: boolean;
  /** Tables, sequences and views the user may not read ("schema.name"): a dump would fail on them. */
  unreadable: string[];
  /** Plain words: what a backup and a restore need that this user lacks (empty when nothing). */
  missing: string[];
}

export interface PostgresDescription {
  database: string;
  user: string;
  serverVersion: string;
  serverMajor: number;
  /** pg_database_size. */
  size: number;
  tables: TableRows[];
  privileges: PostgresPrivileges;
}

const INFO_SQL = `
SELECT current_setting('server_version'), current_setting('server_version_num'), pg_database_size(current_database()),
  r.rolsuper, r.rolcreatedb, pg_has_role(current_user, d.datdba, 'MEMBER'), current_user
FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()`;

const UNREADABLE_SQL = `
SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'S', 'm', 'v') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
  AND (NOT has_schema_privilege(n.oid, 'USAGE') OR NOT has_table_privilege(c.oid, 'SELECT'))
ORDER BY 1`;

interface ServerInfo {
  serverVersion: string;
  serverMajor: number;
  size: number;
  privileges: PostgresPrivileges;
}

async function serverInfo(tools: PgToolsLocation, conn: PgConnection, signal?: AbortSignal): Promise<ServerInfo> {
  const [info] = await pgQuery(tools, conn, INFO_SQL, signal);
  const unreadable = (await pgQuery(tools, conn, UNREADABLE_SQL, signal)).map((r) => r[0]);
  const [version, num, size, superuser, createdb, owner] = info;
  const privileges: PostgresPrivileges = { superuser: superuser === 't', createdb: createdb === 't', owner: owner === 't', unreadable, missing: [] };
  if (unreadable.length > 0) privileges.missing.push(`read ${unreadable.length === 1 ? 'the table' : 'the tables'} ${unreadable.slice(0, 5).join(', ')}${unreadable.length > 5 ? ` and ${unreadable.length - 5} more` : ''} (needed for a backup)`);
  if (!privileges.superuser && !privileges.createdb) privileges.missing.push('create databases (CREATEDB, needed for a test restore and a restore)');
  if (!privileges.superuser && !privileges.owner) privileges.missing.push(`own the database “${conn.database}” (needed to swap in a restore)`);
  return { serverVersion: version.split(' ')[0], serverMajor: Math.floor(Number(num) / 10000), size: Number(size), privileges };
}

/** Any psql will do for questions; pg_dump must then be at least as new as the server. */
export async function connectPostgres(uri: string, options: PgToolsOptions = {}, signal?: AbortSignal): Promise<{ conn: PgConnection; tools: PgToolsLocation; info: ServerInfo }> {
  const conn = parsePgUri(uri);
  const any = await findPgTools(0, '', options);
  const info = await serverInfo(any, conn, signal);
  const tools = any.major >= info.serverMajor ? any : await findPgTools(info.serverMajor, info.serverVersion, options);
  return { conn, tools, info };
}

/**
 * The connection test and the description for health, the checklist's baseline and the restore
 * preview: version, size, every table with its rows, and what the user may do. Nothing is written.
 */
export async function describePostgres(source: PostgresSourceConfig, signal?: AbortSignal): Promise<PostgresDescription> {
  const { conn, tools, info } = await connectPostgres(source.uri, source.tools, signal);
  const tables = tableRowsOf(await pgQuery(tools, conn, TABLE_ROWS_SQL, signal));
  return { database: conn.database, user: conn.user, serverVersion: info.serverVersion, serverMajor: info.serverMajor, size: info.size, tables, privileges: info.privileges };
}

export interface PostgresBackupOptions {
  /** Test hook: 'postgres-snapshot' (the snapshot is taken, rows counted, nothing dumped yet), 'postgres-chunk-stored'. */
  hook?: (point: string) => Promise<void>;
}

/** Refuses a backup the user's role cannot make, naming the tables and the GRANT that fixes it. */
function assertReadable(conn: PgConnection, privileges: PostgresPrivileges): void {
  const { unreadable } = privileges;
  if (unreadable.length === 0) return;
  const schemas = [...new Set(unreadable.map((t) => t.split('.')[0]))];
  throw userError(
    'SOURCE_NOT_READABLE',
    'Not allowed to read every table',
    `The database user “${conn.user}” may not read ${unreadable.length === 1 ? 'the table' : `${unreadable.length} tables`} of “${conn.database}” (${unreadable.slice(0, 5).join(', ')}${unreadable.length > 5 ? ', …' : ''}), so a backup would miss them.`,
    `Use the database’s owner (the app’s own user usually is), or have an administrator run: ${schemas.map((s) => `GRANT USAGE ON SCHEMA ${ident(s)} TO ${ident(conn.user)}; GRANT SELECT ON ALL TABLES IN SCHEMA ${ident(s)} TO ${ident(conn.user)}; GRANT SELECT ON ALL SEQUENCES IN SCHEMA ${ident(s)} TO ${ident(conn.user)};`).join(' ')}`,
    unreadable.join('\n'),
  );
}

export async function backupPostgres(source: PostgresSourceConfig, sink: BackupSink, ctx: OperationContext, options: PostgresBackupOptions = {}): Promise<SourceReport> {
  const { conn, tools, info } = await connectPostgres(source.uri, source.tools, ctx.signal);
  assertReadable(conn, info.privileges);
  const name = conn.database;
  const report: SourceReport = { kind: 'postgres', name, entries: 0, bytes: 0, newBytes: 0, tables: [] };
  const progress = new PhaseProgress(ctx, POSTGRES_PHASE, 'databases', 1, info.size);
  ctx.log('info', `Backing up the PostgreSQL database “${name}” (PostgreSQL ${info.serverVersion}, pg_dump ${tools.version}) as postgres/${name}`);

  // One snapshot for everything: the rows are counted in the transaction whose snapshot pg_dump uses.
  const session = new PgSession(tools, conn, ctx.signal);
  let dump: ReturnType<typeof startTool> | null = null;
  try {
    await session.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const [[snapshot]] = await session.query('SELECT pg_export_snapshot()');
    const tables = countedRows(tableRowsOf(await session.query(TABLE_ROWS_SQL)));
    await options.hook?.('postgres-snapshot');

    dump = startTool(tools, 'pg_dump', conn, ['--format=custom', '--compress=0', `--snapshot=${snapshot}`, '--no-password', '-d', conn.uri], { signal: ctx.signal });
    const stored = await storeStreamChunks(dump.child.stdout as AsyncIterable<Buffer>, sink, ctx, progress, report, async () => options.hook?.('postgres-chunk-stored'));
    await dump.done;
    await session.query('COMMIT');

    const globals = await dumpGlobals(tools, conn, info.privileges.superuser, sink, ctx, report);
    const entry: PostgresDatabaseEntry = {
      kind: 'postgres-database',
      path: `postgres/${name}`,
      database: name,
      serverVersion: info.serverVersion,
      pgDumpVersion: tools.version,
      format: 'custom',
      databaseBytes: info.size,
      size: stored.size,
      tables,
      chunks: stored.chunks,
      globals,
    };
    await sink.add(entry);
    report.entries = 1;
    report.bytes = stored.size + globals.size;
    report.tables = tables.map((t) => ({ name: `${t.schema}.${t.name}`, rows: t.rows }));
    progress.add(1, 0, name);
    const rows = tables.reduce((n, t) => n + t.rows, 0);
    ctx.log('info', `PostgreSQL database ${name}: ${tables.length} tables, ${rows} rows, a dump of ${stored.size} bytes (${report.newBytes} new).`);
    return report;
  } catch (err) {
    dump?.child.kill('SIGKILL');
    if (ctx.signal.aborted) throw ctx.signal.reason;
    throw err;
  } finally {
    await session.close();
  }
}

/** The roles and tablespaces as SQL. Only a superuser may read role passwords; others get the roles without. */
async function dumpGlobals(tools: PgToolsLocation, conn: PgConnection, superuser: boolean, sink: BackupSink, ctx: OperationContext, report: SourceReport): Promise<PostgresDatabaseEntry['globals']> {
  const args = ['--globals-only', '--no-password', '-d', conn.uri, ...(superuser ? [] : ['--no-role-passwords'])];
  const run = startTool(tools, 'pg_dumpall', conn, args, { signal: ctx.signal });
  const progress = new PhaseProgress(ctx, POSTGRES_PHASE, 'databases', 1, null);
  const stored = await storeStreamChunks(run.child.stdout as AsyncIterable<Buffer>, sink, ctx, progress, report);
  await run.done;
  if (!superuser) ctx.log('info', `The roles were saved without their passwords: only a superuser may read them (the user “${conn.user}” is not one).`);
  return { size: stored.size, rolePasswords: superuser, chunks: stored.chunks };
}
