// A real PostgreSQL server for an integration test's beforeAll: Debian's `initdb` + `postgres` in a
// temporary folder, listening on 127.0.0.1 on a free port, password (SCRAM) authentication only.
//   const pg = await startPostgres();  …  await pg.close();
// initdb refuses to run as root (CI runs as root), so the server runs as the `postgres` user (or
// `nobody`) through spawn's uid/gid; the test process itself stays root and connects over TCP.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PostgresDatabaseEntry, Repository, SnapshotHeader } from '../../electron/core/repository';
import { backupPostgres, type PostgresBackupOptions, type PostgresSourceConfig } from '../../electron/core/sources/postgres';
import { sinkFor } from '../../electron/core/sources/sink';
import { testContext, type TestContext } from './backup';

const run = promisify(execFile);

/** The newest Debian PostgreSQL bin folder (/usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'bin', 'postgres'))) : [];
  if (majors.length === 0) throw new Error('PostgreSQL is not installed (apt-get install postgresql); .ci/run installs it.');
  majors.sort((a, b) => Number(b) - Number(a));
  return path.join(root, majors[0], 'bin');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Who the server runs as: ourselves, or (as root) the postgres user, else nobody. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = fs.readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':'));
  const row = passwd.find((r) => r[0] === 'postgres') ?? passwd.find((r) => r[0] === 'nobody');
  if (!row) throw new Error('No postgres or nobody user to run the test PostgreSQL server as.');
  return { uid: Number(row[2]), gid: Number(row[3]) };
}

export interface PgTestServer {
  host: string;
  port: number;
  /** The superuser ("postgres") and its password. */
  superuser: string;
  password: string;
  bin: string;
  major: number;
  /** A connection URI (user and password default to the superuser's). */
  uri(database: string, user?: string, password?: string): string;
  /** Runs SQL through psql as the superuser; returns the unaligned, tab-separated output. */
  sql(database: string, query: string): Promise<string>;
  /** Adds pg_hba.conf lines before the default ones and reloads the configuration. */
  prependHba(lines: string[]): Promise<void>;
  close(): Promise<void>;
}

export interface PgTestOptions {
  /** Extra server settings (`-c name=value`). */
  settings?: Record<string, string>;
}

export async function startPostgres(options: PgTestOptions = {}): Promise<PgTestServer> {
  const bin = postgresBinDir();
  const major = Number(path.basename(path.dirname(bin)));
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'pci-pg-'));
  const data = path.join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  const user = serverUser();
  if (user) await fsp.chown(dir, user.uid, user.gid);
  await fsp.writeFile(path.join(dir, 'pw'), `${password}\n`, { mode: 0o600 });
  if (user) await fsp.chown(path.join(dir, 'pw'), user.uid, user.gid);
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8', HOME: dir };
  for (const k of Object.keys(env)) if (k.startsWith('PG')) delete env[k];

  await run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${path.join(dir, 'pw')}`, '-E', 'UTF8', '--no-sync', '--locale=C.UTF-8'], { env, cwd: dir, uid: user?.uid, gid: user?.gid });
  await fsp.rm(path.join(dir, 'pw'));

  const port = await freePort();
  const settings = { listen_addresses: '127.0.0.1', port: String(port), unix_socket_directories: dir, fsync: 'off', max_connections: '40', shared_buffers: '16MB', ...options.settings };
  const args = ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const child: ChildProcess = spawn(path.join(bin, 'postgres'), args, { env, cwd: dir, uid: user?.uid, gid: user?.gid, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const host = '127.0.0.1';
  const uri = (database: string, u = 'postgres', pw = password) => `postgresql://${encodeURIComponent(u)}:${encodeURIComponent(pw)}@${host}:${port}/${encodeURIComponent(database)}`;
  const sql = async (database: string, query: string): Promise<string> => {
    const { stdout } = await run(path.join(bin, 'psql'), ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-h', host, '-p', String(port), '-U', 'postgres', '-d', database, '-c', query], { env: { ...env, PGPASSWORD: password }, maxBuffer: 64 * 1024 * 1024 });
    return stdout.replace(/\n$/, '');
  };

  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT'); // fast shutdown: ends sessions, no waiting for clients
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    await fsp.rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await close();
      throw new Error(`The test PostgreSQL server stopped while starting: ${stderr}`);
    }
    try {
      await sql('postgres', 'SELECT 1');
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        await close();
        throw new Error(`The test PostgreSQL server did not start within a minute: ${stderr} ${String(err)}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  const prependHba = async (lines: string[]): Promise<void> => {
    const file = path.join(data, 'pg_hba.conf');
    const before = await fsp.readFile(file, 'utf8');
    await fsp.writeFile(file, `${lines.join('\n')}\n${before}`);
    await sql('postgres', 'SELECT pg_reload_conf()');
    // The postmaster rereads the file on SIGHUP; give it a moment to take effect before a new connection.
    await new Promise((r) => setTimeout(r, 300));
  };

  return { host, port, superuser: 'postgres', password, bin, major, uri, sql, prependHba, close };
}

/**
 * A media-server-like database: `media` and `media_files` grow together (one file per media item,
 * in one transaction) and `counter.n` says how many there are, so a dump of one snapshot has
 * count(media) = count(media_files) = counter.n. Also a second schema, a sequence, a view and
 * awkward types (jsonb, bytea, arrays, timestamps), so a round trip covers more than integers.
 */
export async function makeMediaDb(pg: PgTestServer, database: string, items = 200): Promise<void> {
  await pg.sql('postgres', `CREATE DATABASE ${database}`);
  await pg.sql(
    database,
    `CREATE TABLE media (id bigserial PRIMARY KEY, title text NOT NULL, tags text[], meta jsonb, added timestamptz DEFAULT now());
     CREATE TABLE media_files (id bigserial PRIMARY KEY, media_id bigint NOT NULL REFERENCES media(id), thumb bytea, bytes bigint);
     CREATE TABLE counter (k int PRIMARY KEY CHECK (k = 1), n bigint NOT NULL);
     INSERT INTO counter VALUES (1, 0);
     CREATE SCHEMA audit;
     CREATE TABLE audit.events (id serial PRIMARY KEY, what text);
     CREATE VIEW recent AS SELECT id, title FROM media ORDER BY id DESC LIMIT 10;
     WITH m AS (INSERT INTO media (title, tags, meta) SELECT 'item ' || g, ARRAY['a', 'b' || g], jsonb_build_object('n', g, 'é', 'ü') FROM generate_series(1, ${items}) g RETURNING id)
       INSERT INTO media_files (media_id, thumb, bytes) SELECT id, decode(md5(id::text), 'hex'), id * 1000 FROM m;
     UPDATE counter SET n = (SELECT count(*) FROM media);
     INSERT INTO audit.events (what) SELECT 'event ' || g FROM generate_series(1, 25) g;`,
  );
}

export interface MediaCounts {
  media: number;
  files: number;
  counter: number;
}

export async function mediaCounts(pg: PgTestServer, database: string): Promise<MediaCounts> {
  const [media, files, counter] = (await pg.sql(database, 'SELECT (SELECT count(*) FROM media), (SELECT count(*) FROM media_files), (SELECT n FROM counter)')).split('\t').map(Number);
  return { media, files, counter };
}

/** "The app": a psql process adding media items, one transaction each, until stopped. */
export function startMediaWriter(pg: PgTestServer, database: string): { stop(): Promise<number> } {
  const statement = `BEGIN; WITH m AS (INSERT INTO media (title) VALUES ('live') RETURNING id) INSERT INTO media_files (media_id, bytes) SELECT id, 1 FROM m; UPDATE counter SET n = n + 1; COMMIT;`;
  const script = Array.from({ length: 200_000 }, () => statement).join('\n');
  const child = spawn(path.join(pg.bin, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', pg.host, '-p', String(pg.port), '-U', 'postgres', '-d', database], { env: { ...process.env, PGPASSWORD: pg.password }, stdio: ['pipe', 'ignore', 'ignore'] });
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(script);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async stop() {
      child.kill('SIGKILL');
      await exited;
      return (await mediaCounts(pg, database)).counter;
    },
  };
}

/** A backup of one PostgreSQL source into `repo`, finished as a restore point; its entry and report. */
export async function pgBackupInto(repo: Repository, source: PostgresSourceConfig, options: PostgresBackupOptions = {}, ctx: TestContext = testContext()) {
  const writer = repo.createManifestWriter();
  const report = await backupPostgres(source, sinkFor(repo, writer), ctx, options).catch(async (err: unknown) => {
    writer.abort();
    throw err;
  });
  const header: SnapshotHeader = await writer.finish({ tags: ['manual'], profile: 'Media', appVersion: 'test', consistency: 'point-in-time' });
  let entry: PostgresDatabaseEntry | undefined;
  for await (const e of repo.readManifest(header)) if (e.kind === 'postgres-database') entry = e;
  return { header, entry: entry!, report, ctx };
}
