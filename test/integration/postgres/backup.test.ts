// The PostgreSQL source against a real server with "the app" writing during the backup: the
// restore point is one snapshot (rows counted in it equal the dump's), restorable by the real
// pg_restore, with the roles beside it; and each way a connection fails, in plain words.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeChunks } from '../../../electron/core/sources/sqlite-file';
import { backupPostgres, describePostgres } from '../../../electron/core/sources/postgres';
import { sinkFor } from '../../../electron/core/sources/sink';
import { newRepo, removeTempDirs, tempDir, testContext } from '../../support/backup';
import { freePort, makeMediaDb, mediaCounts, pgBackupInto, startMediaWriter, startPostgres, type PgTestServer } from '../../support/postgres';

const run = promisify(execFile);
let pg: PgTestServer;

beforeAll(async () => {
  pg = await startPostgres();
  await makeMediaDb(pg, 'media', 2000);
}, 120_000);
afterAll(async () => {
  await pg?.close();
  await removeTempDirs();
});

const tools = () => ({ installFolders: [pg.bin], pathEnv: '' });

describe('PostgreSQL backup', () => {
  it('dumps one snapshot while the app writes, with the rows of that snapshot, restorable by pg_restore', async () => {
    const { repo } = await newRepo();
    const writer = startMediaWriter(pg, 'media');
    let atSnapshot = 0;
    const { entry, report } = await pgBackupInto(repo, { uri: pg.uri('media'), tools: tools() }, {
      hook: async (point) => {
        if (point === 'postgres-snapshot') {
          atSnapshot = (await mediaCounts(pg, 'media')).counter;
          await new Promise((r) => setTimeout(r, 300)); // the app keeps writing before the dump starts
        }
      },
    });
    const last = await writer.stop();
    expect(last).toBeGreaterThan(atSnapshot); // the app wrote during the backup

    const rows = (t: string) => entry.tables.find((x) => `${x.schema}.${x.name}` === t)?.rows;
    expect(rows('public.media')).toBe(rows('public.media_files'));
    expect(rows('public.media')).toBeGreaterThanOrEqual(2000);
    expect(rows('audit.events')).toBe(25);
    expect(entry.tables.map((t) => `${t.schema}.${t.name}`)).toEqual(['audit.events', 'public.counter', 'public.media', 'public.media_files']);
    expect(entry).toMatchObject({ kind: 'postgres-database', path: 'postgres/media', database: 'media', format: 'custom', serverVersion: expect.stringMatching(new RegExp(`^${pg.major}\\.`)) });
    expect(entry.globals.rolePasswords).toBe(true);
    expect(report).toMatchObject({ kind: 'postgres', name: 'media', entries: 1 });

    // The dump, rebuilt from its chunks, is read by the real pg_restore into a new database.
    const dir = await tempDir('pci-pg-out-');
    const file = path.join(dir, 'media.dump');
    await writeChunks(repo, entry.chunks, file);
    await pg.sql('postgres', 'CREATE DATABASE media_copy');
    await run(path.join(pg.bin, 'pg_restore'), ['--no-owner', '-d', pg.uri('media_copy'), file], { env: { ...process.env } });
    const copy = await mediaCounts(pg, 'media_copy');
    expect(copy.media).toBe(rows('public.media'));
    expect(copy.files).toBe(copy.media);
    expect(copy.counter).toBe(copy.media); // one moment: the counter agrees with the tables
    expect(await pg.sql('media_copy', "SELECT meta->>'é', tags[2], encode(thumb, 'hex') FROM media JOIN media_files f ON f.media_id = media.id WHERE media.id = 7")).toBe(
      await pg.sql('media', "SELECT meta->>'é', tags[2], encode(thumb, 'hex') FROM media JOIN media_files f ON f.media_id = media.id WHERE media.id = 7"),
    );
    const globals = path.join(dir, 'globals.sql');
    await writeChunks(repo, entry.globals.chunks, globals);
    expect(await fsp.readFile(globals, 'utf8')).toMatch(/CREATE ROLE postgres/);
    await pg.sql('postgres', 'DROP DATABASE media_copy');
  }, 180_000);

  it('describes the database: version, size, tables with rows, what the user may do', async () => {
    const d = await describePostgres({ uri: pg.uri('media'), tools: tools() });
    expect(d).toMatchObject({ database: 'media', user: 'postgres', serverMajor: pg.major });
    expect(d.size).toBeGreaterThan(0);
    expect(d.tables.find((t) => t.name === 'events')?.rows).toBe(25);
    expect(d.privileges).toMatchObject({ superuser: true, unreadable: [], missing: [] });
  }, 60_000);
});

describe('PostgreSQL connection failures, in plain words', () => {
  const fails = async (uri: string, toolOptions = tools()) => {
    const err = await describePostgres({ uri, tools: toolOptions }).catch((e: unknown) => e as Error & { title: string; hint: string; details?: string });
    expect(err).toBeInstanceOf(Error);
    return err as Error & { title: string; hint: string; details?: string };
  };

  it('wrong password: says so, and never shows the password', async () => {
    const err = await fails(pg.uri('media', 'postgres', 'not-the-Secret-42'));
    expect(err.title).toBe('Wrong database password');
    expect(JSON.stringify({ m: err.message, h: err.hint, d: err.details })).not.toContain('not-the-Secret-42');
  }, 60_000);

  it('missing database', async () => {
    const err = await fails(pg.uri('no_such_db'));
    expect(err.title).toBe('Database not found');
    expect(err.message).toContain('no_such_db');
  }, 60_000);

  it('unreachable server', async () => {
    const port = await freePort();
    const err = await fails(`postgresql://postgres:x@127.0.0.1:${port}/media`);
    expect(err.title).toBe('Database not reachable');
    expect(err.hint).toMatch(/running/);
  }, 60_000);

  it('pg_hba.conf refusal and SSL required', async () => {
    await pg.sql('postgres', "CREATE ROLE blocked LOGIN PASSWORD 'pw1'; CREATE ROLE sslonly LOGIN PASSWORD 'pw2'");
    await pg.prependHba(['host all blocked 127.0.0.1/32 reject', 'hostnossl all sslonly 127.0.0.1/32 reject']);
    expect((await fails(pg.uri('media', 'blocked', 'pw1'))).title).toBe('The server refused this computer');
    const ssl = await fails(`${pg.uri('media', 'sslonly', 'pw2')}?sslmode=disable`);
    expect(ssl.title).toBe('The server requires SSL');
    expect(ssl.hint).toContain('sslmode=require');
    expect((await fails(pg.uri('media', 'sslonly', 'pw2'))).title).toBe('The server refused this computer');
    expect((await fails(`${pg.uri('media')}?sslmode=require`)).title).toBe('The server does not offer SSL');
  }, 60_000);

  it('missing privileges: the backup is refused, naming the tables and the GRANT', async () => {
    await pg.sql('postgres', "CREATE ROLE reader LOGIN PASSWORD 'pw3'");
    await pg.sql('media', 'GRANT SELECT ON media, counter TO reader');
    const d = await describePostgres({ uri: pg.uri('media', 'reader', 'pw3'), tools: tools() });
    expect(d.privileges.unreadable).toEqual(expect.arrayContaining(['public.media_files', 'audit.events']));
    expect(d.privileges.missing.join(' ')).toMatch(/CREATEDB/);
    const { repo } = await newRepo();
    const writer = repo.createManifestWriter();
    const err = (await backupPostgres({ uri: pg.uri('media', 'reader', 'pw3'), tools: tools() }, sinkFor(repo, writer), testContext()).catch((e: unknown) => e)) as Error & { title: string; hint: string };
    expect(err.title).toBe('Not allowed to read every table');
    expect(err.message).toContain('public.media_files');
    expect(err.hint).toContain('GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "reader"');
  }, 60_000);

  it('an older pg_dump is refused, saying which version to install', async () => {
    const dir = await tempDir('pci-pg-old-');
    const fake = (tool: string) => `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "${tool} (PostgreSQL) 12.4"; exit 0; fi\nexec ${path.join(pg.bin, tool)} "$@"\n`;
    for (const tool of ['pg_dump', 'psql']) await fsp.writeFile(path.join(dir, tool), fake(tool), { mode: 0o755 });
    const err = await fails(pg.uri('media'), { pathEnv: dir, installFolders: [] } as ReturnType<typeof tools>);
    expect(err.title).toBe('pg_dump is older than the database');
    expect(err.message).toContain('12.4');
    expect(err.hint).toContain(`postgresql-client-${pg.major}`);
  }, 60_000);
});
