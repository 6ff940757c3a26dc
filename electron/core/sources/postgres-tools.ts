// The PostgreSQL client tools the PostgreSQL source runs (pg_dump, pg_dumpall, pg_restore, psql):
// finding them (a chosen folder, PATH, the usual install folders of each system, or inside the app's
// Docker container), their major version, running them with the connection's password in the
// child's environment only (never on a command line, in a log or an error), and their failures in
// plain words (wrong password, missing database, pg_hba.conf refusal, SSL required, unreachable).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { UserError, userError } from '../../../shared/errors';

export type PgTool = 'pg_dump' | 'pg_dumpall' | 'pg_restore' | 'psql';

/** Where the tools are: a folder on this computer, or a Docker container that has them. */
export type PgToolsLocation = { kind: 'local'; binDir: string | null; major: number; version: string } | { kind: 'docker'; container: string; major: number; version: string };

export interface PgToolsOptions {
  /** A folder chosen by the user that holds pg_dump (tried first). */
  binDir?: string;
  /** Run the tools inside this Docker container (`docker exec`), for apps that run in Docker. */
  dockerContainer?: string;
  /** The PATH to search (default: this process's). */
  pathEnv?: string;
  /** The install folders to search after PATH (default: the usual ones of this system). */
  installFolders?: string[];
}

/** The usual install folders of the PostgreSQL client tools on this system, newest version first. */
export function usualInstallFolders(platform: NodeJS.Platform = process.platform): string[] {
  const globbed = (root: string, sub: (d: string) => string, match: RegExp): string[] => {
    try {
      return fs
        .readdirSync(root)
        .filter((d) => match.test(d))
        .sort((a, b) => versionOf(b) - versionOf(a))
        .map((d) => path.join(root, sub(d)));
    } catch {
      return [];
    }
  };
  const versionOf = (d: string) => Number(/(\d+(?:\.\d+)?)/.exec(d)?.[1] ?? 0);
  if (platform === 'win32') {
    const pf = process.env.ProgramFiles ?? 'C:\\Program Files';
    return globbed(path.join(pf, 'PostgreSQL'), (d) => path.join(d, 'bin'), /^\d/);
  }
  if (platform === 'darwin') {
    return [
      ...globbed('/Applications/Postgres.app/Contents/Versions', (d) => path.join(d, 'bin'), /^\d/),
      ...globbed('/opt/homebrew/opt', (d) => path.join(d, 'bin'), /^(postgresql|libpq)/),
      ...globbed('/usr/local/opt', (d) => path.join(d, 'bin'), /^(postgresql|libpq)/),
      ...globbed('/Library/PostgreSQL', (d) => path.join(d, 'bin'), /^\d/),
    ];
  }
  return [...globbed('/usr/lib/postgresql', (d) => path.join(d, 'bin'), /^\d/), ...globbed('/usr', (d) => path.join(d, 'bin'), /^pgsql-\d/), '/usr/local/pgsql/bin'];
}

const exe = (tool: PgTool) => (process.platform === 'win32' ? `${tool}.exe` : tool);

/** "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" → { major: 15, version: '15.18' }. */
export function parseToolVersion(text: string): { major: number; version: string } | null {
  const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(text) ?? /\b(\d+)\.(\d+)\b/.exec(text);
  if (!m) return null;
  const major = Number(m[1]);
  // Before 10 the major version had two parts (9.6); those are long unsupported and count as 9.
  return { major, version: m[2] === undefined ? m[1] : `${m[1]}.${m[2]}` };
}

function versionOutput(command: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 20_000 }, (err, stdout) => resolve(err ? null : stdout));
  });
}

/** The folders to look in, in order: the chosen folder, PATH, the install folders. */
function candidateFolders(options: PgToolsOptions): Array<string | null> {
  const pathDirs = (options.pathEnv ?? process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return [...(options.binDir ? [options.binDir] : []), ...pathDirs, ...(options.installFolders ?? usualInstallFolders())];
}

/**
 * The client tools to use for a server of major version `serverMajor`: the first pg_dump found
 * that is at least as new as the server (pg_dump refuses older servers' dumps the other way round
 * and cannot dump a newer server). When only older ones are found, a plain-words refusal saying
 * which version to install.
 */
export async function findPgTools(serverMajor: number, serverVersion: string, options: PgToolsOptions = {}): Promise<PgToolsLocation> {
  if (options.dockerContainer) {
    const out = await versionOutput('docker', ['exec', options.dockerContainer, 'pg_dump', '--version']);
    const v = out ? parseToolVersion(out) : null;
    if (!v) {
      throw userError('NOT_FOUND', 'pg_dump not found in the container', `PCI Maintenance could not run pg_dump inside the Docker container “${options.dockerContainer}”.`, 'Check the container’s name (docker ps) and that Docker is running, or leave the container empty to use pg_dump on this computer.');
    }
    if (v.major < serverMajor) throw tooOld([v.version], serverVersion, serverMajor);
    return { kind: 'docker', container: options.dockerContainer, ...v };
  }
  const seen = new Set<string>();
  const older: string[] = [];
  for (const dir of candidateFolders(options)) {
    if (dir === null) continue;
    const file = path.join(dir, exe('pg_dump'));
    const real = fs.existsSync(file) ? fs.realpathSync(file) : null;
    if (!real || seen.has(real)) continue;
    seen.add(real);
    const out = await versionOutput(file, ['--version']);
    const v = out ? parseToolVersion(out) : null;
    if (!v) continue;
    if (v.major >= serverMajor) return { kind: 'local', binDir: dir, ...v };
    older.push(`${v.version} (${dir})`);
  }
  if (older.length > 0) throw tooOld(older, serverVersion, serverMajor);
  const v = serverMajor > 0 ? ` ${serverMajor}` : '';
  throw userError(
    'NOT_FOUND',
    'pg_dump not found',
    'The PostgreSQL backup tool pg_dump is not installed on this computer (it was looked for on the PATH and in the usual install folders).',
    `Install the PostgreSQL${v} client tools (Debian/Ubuntu: “apt-get install postgresql-client${v.replace(' ', '-')}”; macOS: “brew install postgresql${v.replace(' ', '@')}”; Windows: the PostgreSQL${v} installer), or name the folder that holds pg_dump, or the Docker container the app runs in.`,
  );
}

function tooOld(found: string[], serverVersion: string, serverMajor: number): UserError {
  return userError(
    'NOT_AVAILABLE',
    'pg_dump is older than the database',
    `The database runs PostgreSQL ${serverVersion}, but the pg_dump found is older (${found.join('; ')}): an older pg_dump cannot back up a newer server.`,
    `Install the PostgreSQL ${serverMajor} client tools or newer (Debian/Ubuntu: “apt-get install postgresql-client-${serverMajor}”; macOS: “brew install postgresql@${serverMajor}”), then try again.`,
  );
}

/** A connection URI split into what a tool may see on its command line and the password it must not. */
export interface PgConnection {
  /** The URI without the password (safe for a command line and for logs). */
  uri: string;
  password: string | null;
  database: string;
  user: string;
  host: string;
}

/** Parses a postgres:// or postgresql:// URI; the password never appears in an error. */
export function parsePgUri(raw: string): PgConnection {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw badUri('It is not a valid address.');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw badUri('It should start with postgresql://');
  const password = url.password === '' ? null : decodeURIComponent(url.password);
  url.password = '';
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username) || 'postgres';
  const user = decodeURIComponent(url.username) || process.env.USER || 'postgres';
  return { uri: url.toString(), password, database, user, host: url.hostname || url.searchParams.get('host') || 'localhost' };
}

function badUri(why: string): UserError {
  return userError('INVALID_INPUT', 'The database address is not right', `The PostgreSQL connection address could not be read. ${why}`, 'Use the form postgresql://USER:PASSWORD@HOST:5432/DATABASE (as in the app’s DATABASE_URL).');
}

/** The same connection, to another database on the same server (scratch, staging, maintenance). */
export function withDatabase(conn: PgConnection, database: string): PgConnection {
  const url = new URL(conn.uri);
  url.pathname = `/${encodeURIComponent(database)}`;
  return { ...conn, uri: url.toString(), database };
}

/** A tool ready to run: the command, its arguments before the tool's own, and the environment. */
export function toolCommand(tools: PgToolsLocation, tool: PgTool, conn: PgConnection): { command: string; prefix: string[]; env: NodeJS.ProcessEnv } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('PG')) delete env[k];
  env.PGCONNECT_TIMEOUT = '10';
  env.PGAPPNAME = 'pci-maintenance';
  if (conn.password !== null) env.PGPASSWORD = conn.password;
  if (tools.kind === 'docker') {
    // `-e NAME` without a value passes the variable from docker's own environment: never its value on a command line.
    const pass = ['PGPASSWORD', 'PGCONNECT_TIMEOUT', 'PGAPPNAME'].filter((k) => env[k] !== undefined).flatMap((k) => ['-e', k]);
    return { command: 'docker', prefix: ['exec', '-i', ...pass, tools.container, tool], env };
  }
  return { command: tools.binDir ? path.join(tools.binDir, exe(tool)) : exe(tool), prefix: [], env };
}

export interface ToolRun {
  child: ChildProcess;
  /** Resolves when the tool ends well; rejects with its failure in plain words. */
  done: Promise<void>;
}

/** Starts a tool; its stdout is for the caller, its stderr is kept (the tail) for the error. */
export function startTool(tools: PgToolsLocation, tool: PgTool, conn: PgConnection, args: string[], options: { signal?: AbortSignal; stdin?: 'pipe' | 'ignore' } = {}): ToolRun {
  const { command, prefix, env } = toolCommand(tools, tool, conn);
  const child = spawn(command, [...prefix, ...args], { env, stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'], signal: options.signal });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-8000);
  });
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', (err) => reject(options.signal?.aborted ? options.signal.reason : pgToolError(err, tool, conn, '')));
    child.once('close', (code, sig) => {
      if (options.signal?.aborted) return reject(options.signal.reason);
      if (code === 0) return resolve();
      reject(pgError(stderr || `${tool} ended with ${sig ?? `code ${code}`}`, conn, tool));
    });
  });
  done.catch(() => undefined);
  return { child, done };
}

/** Runs a tool to its end and returns its output. */
export async function runTool(tools: PgToolsLocation, tool: PgTool, conn: PgConnection, args: string[], signal?: AbortSignal): Promise<string> {
  const run = startTool(tools, tool, conn, args, { signal });
  const out: Buffer[] = [];
  run.child.stdout?.on('data', (d: Buffer) => out.push(d));
  await run.done;
  return Buffer.concat(out).toString('utf8');
}

function pgToolError(err: unknown, tool: PgTool, conn: PgConnection, stderr: string): UserError {
  if ((err as { code?: string }).code === 'ENOENT') {
    return userError('NOT_FOUND', `${tool} not found`, `The PostgreSQL tool ${tool} could not be started.`, 'Install the PostgreSQL client tools (they come together: pg_dump, pg_restore, psql), then try again.');
  }
  return pgError(`${String((err as Error).message ?? err)} ${stderr}`, conn, tool);
}

/** Removes the password, should a tool ever print it, and keeps the useful last lines. */
function cleanDetails(text: string, conn: PgConnection): string {
  let t = text.trim();
  if (conn.password) t = t.split(conn.password).join('****');
  t = t.replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^@\s]*@/g, '$1****@');
  return t.split('\n').slice(-6).join('\n');
}

/** A PostgreSQL failure (from libpq's or the server's words on stderr) in plain words. */
export function pgError(stderr: string, conn: PgConnection, tool: PgTool | 'connection' = 'connection'): UserError {
  const details = `${tool}: ${cleanDetails(stderr, conn)}`;
  const where = `the PostgreSQL server at ${conn.host}`;
  const make = (code: UserError['code'], title: string, message: string, hint: string) => new UserError({ code, title, message, hint, details });
  if (/password authentication failed|authentication failed for user|no password supplied|fe_sendauth/i.test(stderr)) {
    return make('SOURCE_NOT_READABLE', 'Wrong database password', `${where} did not accept the password of the user “${conn.user}”.`, 'Check the user name and password in the database address (the app’s DATABASE_URL), then try again.');
  }
  if (/database "([^"]*)" does not exist/i.test(stderr)) {
    const db = /database "([^"]*)" does not exist/i.exec(stderr)?.[1] ?? conn.database;
    return make('NOT_FOUND', 'Database not found', `There is no database “${db}” on ${where}.`, 'Check the database name at the end of the address (after the last “/”); psql’s “\\l” lists the databases.');
  }
  if (/role "([^"]*)" does not exist/i.test(stderr)) {
    return make('SOURCE_NOT_READABLE', 'Database user not found', `${where} has no user “${conn.user}”.`, 'Check the user name in the database address.');
  }
  if (/SSL was required|server does not support SSL/i.test(stderr)) {
    return make('SOURCE_NOT_READABLE', 'The server does not offer SSL', `The address asks for an encrypted (SSL) connection, but ${where} does not offer one.`, 'Turn on SSL on the server, or remove “sslmode=require” from the address if the connection stays on a trusted network.');
  }
  if (/no pg_hba\.conf entry|pg_hba\.conf rejects/i.test(stderr)) {
    // With the default sslmode (prefer) libpq already tried SSL when the server offers it; "no
    // encryption" then means a refusal, not a missing SSL. Only a connection that turned SSL off asks for it.
    if (/no encryption|SSL off/i.test(stderr) && /[?&]sslmode=disable\b/.test(conn.uri)) {
      return make('SOURCE_NOT_READABLE', 'The server requires SSL', `${where} accepts only encrypted (SSL) connections from this computer.`, 'Change “sslmode=disable” in the database address to “sslmode=require”, then try again.');
    }
    return make('SOURCE_NOT_READABLE', 'The server refused this computer', `${where} does not let the user “${conn.user}” connect to “${conn.database}” from this computer (its pg_hba.conf has no rule allowing it).`, 'Ask whoever runs the database to add a line for this computer and user to pg_hba.conf (then reload PostgreSQL), or run the backup on the database’s own computer.');
  }
  if (/Connection refused|could not connect|could not translate host name|timeout expired|No route to host|Network is unreachable|Name or service not known|server closed the connection unexpectedly|Connection timed out/i.test(stderr)) {
    return make('SOURCE_NOT_READABLE', 'Database not reachable', `${where} could not be reached.`, 'Check that PostgreSQL is running and that the host and port in the address are right (the default port is 5432), then try again.');
  }
  if (/permission denied/i.test(stderr)) {
    const what = /permission denied for (?:table|relation|sequence|schema|database) ([^\s]+)/i.exec(stderr)?.[0] ?? 'permission denied';
    return make('SOURCE_NOT_READABLE', 'Not allowed', `The user “${conn.user}” may not do this on ${where} (${what}).`, 'Use a database user that owns the database (the app’s own user usually does), or ask whoever runs the database to grant it.');
  }
  if (/too many connections|remaining connection slots/i.test(stderr)) {
    return make('BUSY', 'The database is full of connections', `${where} has no free connection slots.`, 'Try again in a few minutes, or raise max_connections on the server.');
  }
  return make('SOURCE_NOT_READABLE', 'PostgreSQL error', `${tool === 'connection' ? 'PostgreSQL' : tool} reported an error on ${where}.`, 'Try again. If it keeps happening, export a support bundle and send it to whoever helps you.');
}
