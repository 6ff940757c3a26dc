// What people type on the command line (the built CLI, real test servers): an empty value never widens
// a command (an empty shell variable in `--collections "$LIST"` must not mean "everything"), restore
// point ids follow one rule in every command, the app's own tags cannot be chosen, a closed pipe
// (`pci-maint history | head -1`) ends quietly, and "latest" never silently means a restore point
// whose date was edited.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/core/handlers';
import { saveProfile } from '../../electron/core/profiles/service';
import { FolderStore, Repository } from '../../electron/core/repository';
import type { VerifyResult } from '../../shared/api/verify';
import type { Job } from '../../shared/jobs';
import { BUCKET, DB, putObject, removeTempDirs, startServers, tempDir, type Servers } from '../support/backup';
import { testEngine } from '../support/engine';
import { CLI, runCli } from '../support/serve';

let s: Servers;
let home: string;
let location: string;
let env: NodeJS.ProcessEnv;
const backups: string[] = []; // ids, oldest first

const run = (args: string[]) => runCli(home, env, args);
const snapshotFiles = () => fs.readdirSync(path.join(location, 'snapshots')).sort();
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at |node:internal|Unhandled|EPIPE/);

beforeAll(async () => {
  s = await startServers();
  const db = s.mongoClient.db(DB);
  await db.collection('users').insertMany(Array.from({ length: 5 }, (_, i) => ({ _id: `u${i}` as unknown as never, email: `user${i}@example.com` })));
  await db.collection('shares').insertMany(Array.from({ length: 3 }, (_, i) => ({ n: i })));
  await putObject(s.s3Client, 'docs/a.txt', Buffer.from('a'), { contentType: 'text/plain' });
  home = await tempDir('pci-input-home-');
  location = await tempDir('pci-input-backups-');
  env = { ...process.env, PCI_MONGODB_URI: `${s.mongo.uri}${DB}`, PCI_R2_SECRET_ACCESS_KEY: s.s3.secretAccessKey, PCI_BACKUP_PASSPHRASE: '' };
  const engine = testEngine({ home, env });
  try {
    await saveProfile(engine, { name: 'Office', sources: [{ kind: 'mongodb', database: DB }, { kind: 's3', endpoint: s.s3.endpoint, bucket: BUCKET, accessKeyId: s.s3.accessKeyId, forcePathStyle: true }], destination: { kind: 'folder', path: location } });
  } finally {
    await engine.dispose();
  }
  for (let i = 0; i < 2; i++) {
    const made = await run(['--json', 'backup', '--profile', 'Office']);
    expect(made.code, made.err).toBe(0);
    backups.push((JSON.parse(made.out) as { snapshotId: string }).snapshotId);
  }
}, 120_000);

afterAll(async () => {
  await s?.close();
  await removeTempDirs();
});

describe('an empty value is wrong usage (exit 2), before anything runs', () => {
  it('restore --collections "" does not plan a restore of every collection', async () => {
    for (const args of [
      ['--collections', ''],
      ['--collections='],
      ['--collections', ' '],
    ]) {
      const r = await run(['restore', '--profile', 'Office', '--snapshot', 'latest', '--dry-run', ...args]);
      expect(r.code, `${args.join(' ')}: ${r.out}`).toBe(2);
      expect(r.out).toBe(''); // no plan printed
      expect(r.err).toContain('--collections was given an empty value.');
      noStack(r.err);
    }
  });

  it('a comma list with an empty item is refused', async () => {
    for (const list of ['users,,shares', ',users', 'users,', 'users, ,shares']) {
      const r = await run(['restore', '--profile', 'Office', '--snapshot', 'latest', '--dry-run', '--collections', list]);
      expect(r.code, list).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain('--collections has an empty item in its list.');
    }
    // Spaces around the names are fine: the list is what it says.
    const ok = await run(['--json', 'restore', '--profile', 'Office', '--snapshot', 'latest', '--dry-run', '--collections', 'users, shares']);
    expect(ok.code, ok.err).toBe(0);
    expect((JSON.parse(ok.out) as { plan: { database: { collections: { name: string }[] } } }).plan.database.collections.map((c) => c.name).sort()).toEqual(['shares', 'users']);
  });

  it('restore --to "" is a usage error with a message, not an unexpected one', async () => {
    for (const args of [['--to', ''], ['--to=']]) {
      const r = await run(['restore', '--profile', 'Office', '--snapshot', 'latest', '--dry-run', ...args]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('--to was given an empty value.');
      expect(r.err).not.toContain('unexpected problem');
    }
    const json = await run(['--json', 'restore', '--profile', 'Office', '--snapshot', 'latest', '--dry-run', '--to', '']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: '--to was given an empty value.' } });
  });

  it('every other option and argument that takes a value, the same way', async () => {
    const cases: Array<[string[], string]> = [
      [['backup', '--profile', 'Office', '--tag', ''], '--tag'],
      [['backup', '--profile', ''], '--profile'],
      [['backup', '--profile', 'Office', '--tag', 'scheduled', '--tag='], '--tag'],
      [['verify', '--profile', 'Office', '--snapshot', ''], '--snapshot'],
      [['restore', '--profile', 'Office', '--snapshot', '', '--dry-run'], '--snapshot'],
      [['export', '--profile', 'Office', '--to', ''], '--to'],
      [['history', '--limit', ''], '--limit'],
      [['--home', '', 'history'], '--home'], // would fall back to the default data folder
      [['check', '--profile', 'Office', '--csv', ''], '--csv'],
      [['bundle', '--out', ''], '--out'],
    ];
    const before = snapshotFiles();
    for (const [args, option] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toContain(`${option} was given an empty value.`);
      noStack(r.err);
    }
    const arg = await run(['profile', 'show', '']);
    expect(arg.code).toBe(2);
    expect(arg.err).toContain('An argument is empty.');
    expect(arg.err).toContain('pci-maint profile show --help');
    expect(snapshotFiles()).toEqual(before); // no backup was made
  });
});

describe('an unexpected problem', () => {
  it('is said in plain words on the screen, and its details go to the log of the data folder', async () => {
    const broken = await tempDir('pci-input-broken-');
    fs.writeFileSync(path.join(broken, 'history.sqlite'), 'this is not a database\n'.repeat(20));
    const r = await runCli(broken, env, ['history']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('unexpected problem');
    noStack(r.err);
    const logged = fs.readFileSync(path.join(broken, 'logs', 'main.log'), 'utf8');
    expect(logged).toContain('Unexpected error in "pci-maint');
    expect(logged).toMatch(/file is not a database\n\s+at /);
  });
});

describe('restore point ids: one rule in every command', () => {
  it('a path or anything else that is not an id is wrong usage (exit 2) with the same message', async () => {
    for (const bad of ['../../../etc', backups[0].toUpperCase()]) {
      for (const args of [
        ['restore', '--profile', 'Office', '--snapshot', bad, '--dry-run'],
        ['verify', '--profile', 'Office', '--snapshot', bad],
        ['export', '--profile', 'Office', '--snapshot', bad, '--to', path.join(home, 'never')],
      ]) {
        const r = await run(args);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.err.split('\n')[0]).toBe(`Error: "${bad}" is not a restore point id.`);
        expect(r.err).toContain('"pci-maint snapshots"');
      }
    }
    expect(fs.existsSync(path.join(home, 'never'))).toBe(false);
  });
});

describe('tags the app sets itself cannot be chosen', () => {
  it('backup --tag pre-restore (and the other system tags) is refused, naming them', async () => {
    const before = snapshotFiles();
    for (const tag of ['pre-restore', 'pre-update', 'imported', 'event']) {
      const r = await run(['backup', '--profile', 'Office', '--tag', tag]);
      expect(r.code, tag).toBe(2);
      expect(r.err).toContain(`"${tag}" is a tag the app sets itself`);
      expect(r.err).toContain('"pre-update", "pre-restore", "imported", "event" are reserved');
    }
    expect(snapshotFiles()).toEqual(before);
  });

  it('the contract refuses them too; the rollback wizard asks for its safety backup by name', async () => {
    const engine = testEngine({ home, env });
    try {
      for (const tag of ['pre-restore', 'pre-update', 'imported', 'event']) {
        const r = await dispatch(engine, 'backup.start', { profile: 'Office', tags: ['mine', tag] });
        expect(r, tag).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      }
      const started = await dispatch(engine, 'restore.safetyBackup', { profile: 'Office' });
      expect(started.ok).toBe(true);
      const job = await engine.jobs.wait((started as { ok: true; result: Job }).result.id);
      expect(job.status).toBe('succeeded');
      const id = (job.summary as { snapshotId: string }).snapshotId;
      const repo = await Repository.open(new FolderStore(location));
      expect((await repo.readSnapshot(id)).tags).toEqual(['pre-restore']);
    } finally {
      await engine.dispose();
    }
  });
});

describe('a closed pipe', () => {
  it('pci-maint history | head -1 prints one line and ends quietly with exit 0', async () => {
    const engine = testEngine({ home, env });
    try {
      const ids = Array.from({ length: 200 }, (_, i) => engine.jobs.start({ kind: 'verify', title: `Check number ${i} ${'of a long title '.repeat(8)}`, run: async () => null }).id);
      for (const id of ids) await engine.jobs.wait(id);
    } finally {
      await engine.dispose();
    }
    // `true` reads nothing and exits at once, so every write meets a closed pipe; head -1 closes after one line.
    for (const reader of ['head -1', 'true']) {
      const shell = spawn('bash', ['-c', `"${process.execPath}" "${CLI}" --home "${home}" history --limit 200 | ${reader}; echo "exit:\${PIPESTATUS[0]}"`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      shell.stdout.on('data', (d: Buffer) => (out += d.toString()));
      shell.stderr.on('data', (d: Buffer) => (err += d.toString()));
      await new Promise((resolve) => shell.once('close', resolve));
      expect(out.trim().split('\n').at(-1), `${reader}: ${err}`).toBe('exit:0');
      if (reader === 'head -1') expect(out.trim().split('\n')).toHaveLength(2);
      expect(err, reader).toBe('');
    }
  }, 60_000);
});

describe('"latest" and a restore point whose date was edited', () => {
  it('a safety backup the rollback wizard made (above) is not "the newest backup" of the connection', async () => {
    const r = await run(['--json', 'restore', '--profile', 'Office', '--snapshot', 'latest', '--dry-run']);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { plan: { snapshot: { id: string } } }).plan.snapshot.id).toBe(backups[1]);
  });

  it('an older unencrypted restore point dated 2030 is not taken as latest by restore, verify or export', async () => {
    // Without encryption nothing protects the file; the history knows when each backup was made.
    const older = path.join(location, 'snapshots', backups[0]);
    const original = fs.readFileSync(older, 'utf8');
    try {
      const edited = original.replace(/"createdAt": *"[^"]+"/, '"createdAt": "2030-01-01T00:00:00.000Z"');
      expect(edited).not.toBe(original);
      fs.writeFileSync(older, edited);
      const restore = await run(['restore', '--profile', 'Office', '--snapshot', 'latest', '--dry-run']);
      expect(restore.code).toBe(1);
      expect(restore.out).toBe('');
      expect(restore.err).toContain(`The restore point ${backups[0].slice(0, 8)} now says it was made 2030-01-01 00:00 UTC`);
      expect(restore.err).toContain(`--snapshot ${backups[1]}`);

      // verify "latest" reports it as the finding, rather than checking the edited one (or an older one) in its place.
      const verify = await run(['--json', 'verify', '--profile', 'Office', '--snapshot', 'latest']);
      expect(verify.code).toBe(3); // ran, and found a problem
      const result = JSON.parse(verify.out) as VerifyResult;
      expect(result).toMatchObject({ ok: false, snapshots: [] });
      expect(result.problems).toEqual([expect.objectContaining({ code: 'snapshot-damaged', message: expect.stringContaining(`now says it was made 2030-01-01 00:00 UTC, but the history recorded`) })]);
      const text = await run(['verify', '--profile', 'Office']);
      expect(text.code).toBe(3);
      expect(text.out).toContain('changed after the backup');
      expect(text.out).not.toContain('Everything is there');

      // export "latest" follows the same rule.
      const exported = await run(['export', '--profile', 'Office', '--to', path.join(home, 'export')]);
      expect(exported.code).toBe(1);
      expect(exported.err).toContain('changed after the backup');
      expect(fs.existsSync(path.join(home, 'export'))).toBe(false);
    } finally {
      fs.writeFileSync(older, original);
    }
  });
});
