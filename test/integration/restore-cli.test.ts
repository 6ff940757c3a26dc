// `pci-maint restore` as people and scripts run it (the built CLI against real test servers): the plan
// first, refusal without --yes off a terminal, kill -9 while the database is being restored (each
// collection old or new, never half; the next run cleans up and completes), a wrong passphrase; and
// the API path the wizard uses, including Cancel, with what happened kept in the history.
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/core/handlers';
import { TEST_PAUSE_ENV, TEST_PAUSE_MARKER } from '../../electron/core/backup/test-hooks';
import { FolderStore, Repository } from '../../electron/core/repository';
import { startRestoreJob, storedPlan } from '../../electron/core/restore/profile-jobs';
import type { RestorePlan, RestoreSummary } from '../../shared/api/restore';
import type { Job } from '../../shared/jobs';
import { BUCKET, DB, newRepo, removeTempDirs, startServers, TEST_SCRYPT_N, type Servers } from '../support/backup';
import { savePciConnection, tempDir, testEngine } from '../support/engine';
import { backupNow, badUpgrade, captureState, collectionNames, seedInstallation } from '../support/restore';
import { CLI } from '../support/serve';

let s: Servers;
let home: string;
let env: NodeJS.ProcessEnv;
let before: Awaited<ReturnType<typeof captureState>>;
let repo: Repository;

const addProfile = (name: string, destination: string) =>
  savePciConnection({ home, env }, { name, database: DB, bucket: BUCKET, s3: s.s3, destination: { kind: 'folder', path: destination } });

function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}, pauseAt?: string): { done: Promise<{ code: number | null; out: string; err: string }>; paused: Promise<boolean>; kill: () => void } {
  const child = spawn(process.execPath, [CLI, '--home', home, ...args], { env: { ...env, ...extraEnv, ...(pauseAt ? { [TEST_PAUSE_ENV]: pauseAt } : {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.once('close', (code) => resolve({ code, out, err })));
  // The restore prints a marker on stderr when it reaches the test hook, then waits to be killed.
  const paused = new Promise<boolean>((resolve) => {
    readline.createInterface({ input: child.stderr! }).on('line', (line) => {
      err += `${line}\n`;
      if (line.startsWith(TEST_PAUSE_MARKER)) resolve(true);
    });
    void done.then(() => resolve(false));
  });
  return { done, paused, kill: () => child.kill('SIGKILL') };
}

const run = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => cli(args, extraEnv).done;
const temps = async () => (await collectionNames(s)).filter((n) => n.startsWith('pcimaint_restore_') && n !== 'pcimaint_restore_runs');

beforeAll(async () => {
  s = await startServers();
  await seedInstallation(s);
  before = await captureState(s);
  home = tempDir('pci-restore-home-');
  env = { ...process.env, PCI_MONGODB_URI: `${s.mongo.uri}${DB}`, PCI_R2_SECRET_ACCESS_KEY: s.s3.secretAccessKey, PCI_BACKUP_PASSPHRASE: '' };
  let dir: string;
  ({ repo, dir } = await newRepo());
  await backupNow(repo, s, ['pre-update']);
  await addProfile('Office', dir);
});

afterAll(async () => {
  await s?.close();
  await removeTempDirs();
});

describe('pci-maint restore', () => {
  it('shows the plan and refuses without --yes when not run in a terminal; --dry-run --json prints the plan', async () => {
    await badUpgrade(s);
    const changed = await captureState(s);
    const refused = await run(['restore', '--profile', 'Office', '--snapshot', 'latest']);
    expect(refused.code).toBe(2);
    expect(refused.out).toContain('put back: 5 files');
    expect(refused.out).toMatch(/users\s+missing now → 8 in the restore point\s+created again/);
    expect(refused.out).toContain('not in the restore point: 2 files');
    expect(refused.err).toContain('run the command again with --yes');

    const dry = await run(['--json', 'restore', '--profile', 'Office', '--snapshot', 'latest', '--dry-run', '--only', 'r2']);
    expect(dry.code, dry.err).toBe(0);
    const { plan } = JSON.parse(dry.out) as { plan: RestorePlan };
    expect(plan.database).toBeNull();
    expect(plan.bucket).toMatchObject({ missing: 2, changed: 3, extra: { count: 2 } });
    expect(await captureState(s)).toEqual(changed);

    const usage = await run(['restore', '--profile', 'Office', '--snapshot', 'latest', '--only', 'r2', '--collections', 'files']);
    expect(usage.code).toBe(2);
  });

  it('kill -9 while the database is restored: every collection old or new, the next run cleans up and completes', async () => {
    const old = await captureState(s);
    const args = ['--json', 'restore', '--profile', 'Office', '--snapshot', 'latest', '--only', 'mongo', '--yes', '--no-safety-snapshot'];
    const isOldOrNew = async () => {
      const now = await captureState(s);
      for (const name of ['activity', 'files', 'users', 'activeFiles']) expect([old.collections.get(name), before.collections.get(name)], name).toContain(now.collections.get(name));
      return new Map([...now.collections].filter(([n]) => !n.startsWith('pcimaint_')));
    };

    // 1. Killed after two collections were built aside: nothing switched in yet.
    const first = cli(args, {}, 'restore-mongo-staged:2');
    expect(await first.paused, 'the restore never reached the hook').toBe(true);
    first.kill();
    await first.done;
    expect((await temps()).length).toBe(2);
    expect(await isOldOrNew()).toEqual(old.collections);

    // 2. The next start cleans the temporaries up (here: the preview of the next restore).
    expect((await run(['restore', '--profile', 'Office', '--snapshot', 'latest', '--dry-run'])).code).toBe(0);
    expect(await temps()).toEqual([]);

    // 3. Killed after the first switch: that one new, the others old; never half.
    const second = cli(args, {}, 'restore-mongo-swapped:1');
    expect(await second.paused).toBe(true);
    second.kill();
    await second.done;
    const mixed = await isOldOrNew();
    expect(mixed.get('activity')).toBe(before.collections.get('activity'));
    expect(mixed.get('files')).toBe(old.collections.get('files'));

    // 4. Running it again completes.
    const third = await run(args);
    expect(third.code, third.err).toBe(0);
    const result = JSON.parse(third.out) as { ok: boolean; summary: RestoreSummary };
    expect(result.ok).toBe(true);
    expect(result.summary.verification?.ok).toBe(true);
    const after = await captureState(s);
    for (const name of ['activity', 'files', 'users', 'activeFiles']) expect(after.collections.get(name), name).toBe(before.collections.get(name));
    expect(await temps()).toEqual([]);
    expect(await collectionNames(s)).not.toContain('pcimaint_restore_runs');
  });

  it('a wrong passphrase is said plainly (exit 1)', async () => {
    const dir = tempDir('pci-restore-locked-');
    const locked = await Repository.init(new FolderStore(dir), { passphrase: 'right one', testOnlyScryptN: TEST_SCRYPT_N });
    const { snapshotId } = await backupNow(locked, s);
    await addProfile('Locked', dir);
    const wrong = await run(['restore', '--profile', 'Locked', '--snapshot', snapshotId, '--dry-run'], { PCI_BACKUP_PASSPHRASE: 'wrong one' });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('The passphrase is not right');
    const right = await run(['restore', '--profile', 'Locked', '--snapshot', snapshotId, '--dry-run'], { PCI_BACKUP_PASSPHRASE: 'right one' });
    expect(right.code, right.err).toBe(0);
  });

  it('through the API: preview, start (typed confirmation), Cancel leaves the database as it was, the history keeps what happened', async () => {
    const engine = testEngine({ home, env });
    try {
      await badUpgrade(s);
      const changed = await captureState(s);
      const points = await dispatch(engine, 'restore.points', { profile: 'Office' });
      expect(points.ok && points.result).toMatchObject({ restorePoints: [{ trigger: 'pre-update', verification: null }] });
      const planned = await dispatch(engine, 'restore.plan', { profile: 'Office', snapshot: 'latest', scope: { bucket: false, folders: false } });
      if (!planned.ok) throw new Error(planned.error.message);
      const plan = planned.result as RestorePlan;
      const unconfirmed = await dispatch(engine, 'restore.start', { planId: plan.id, confirm: 'yes' });
      expect(unconfirmed.ok).toBe(false);

      // Cancel as soon as the first collection is built aside.
      let job: Job | null = null;
      job = startRestoreJob(engine, { plan: storedPlan(engine, plan.id), removeExtra: false, safety: { mode: 'take' } }, { hook: async (point) => void (point === 'restore-mongo-staged' && engine.jobs.cancel(job!.id)) });
      const canceled = await engine.jobs.wait(job.id);
      expect(canceled.status).toBe('canceled');
      expect(await captureState(s)).toEqual(changed);
      expect(await temps()).toEqual([]);
      const record = engine.history.get(canceled.id);
      expect(record.kind).toBe('restore');
      expect(record.summary).toMatchObject({ stage: 'database', safetySnapshot: { id: expect.any(String) }, database: { restored: [] } });

      const started = await dispatch(engine, 'restore.start', { planId: plan.id, confirm: 'RESTORE', safety: { mode: 'skip' } });
      if (!started.ok) throw new Error(started.error.message);
      const finished = await engine.jobs.wait((started.result as Job).id);
      expect(finished.status, JSON.stringify(finished.error)).toBe('succeeded');
      const summary = engine.history.get(finished.id).summary as RestoreSummary;
      expect(summary).toMatchObject({ stage: 'done', verification: { ok: true }, plan: { id: plan.id } });
      expect((await captureState(s)).collections.get('users')).toBe(before.collections.get('users'));
    } finally {
      await engine.dispose();
    }
  });
});
