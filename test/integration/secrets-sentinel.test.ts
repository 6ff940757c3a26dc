// Sentinel secrets (DESIGN §7): plant recognisable passwords and keys, drive every profile, test and
// health path, and backup, verify (with a test restore), restore, the storage check, the schedules'
// system-scheduler entries and the notifications, through the API and the CLI (successes and
// failures), then search every output — settings files, logs, the history database, job events, API
// results, CLI output, cron entry text and the backup location — for them.
import fs from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMongoTestServer, type MongoTestServer } from '../support/mongo-wire';
import { startS3TestServer, type S3TestServer } from '../support/s3';
import { r2Client } from '../support/s3/client';
import { tempDir, testEngine, type TestEngine } from '../support/engine';
import { dispatch } from '../../electron/core/handlers';
import { runCli } from '../../electron/cli/program';
import { DEFAULT_NOTIFY, RESTORE_CONFIRM_WORD, type AppEvent, type Envelope, type RestorePlan } from '../../shared/contract';
import type { Job } from '../../shared/jobs';

const S = {
  mongoPassword: 'Sntl-Mongo-Pw-9f3k2',
  wrongMongoPassword: 'Sntl-Wrong-Mongo-55q',
  r2Secret: 'Sntl-R2-Secret-a8d7e6c5',
  wrongR2Secret: 'Sntl-Wrong-R2-66zz',
  passphrase: 'Sntl-Passphrase-77x1',
  wrongPassphrase: 'Sntl-Wrong-Passphrase-31q',
  webhookToken: 'Sntl-Hook-Token-3k9z',
  smtpPassword: 'Sntl-Smtp-Pw-77aa',
};
const SENTINELS = Object.values(S);

let mongo: MongoTestServer;
let s3: S3TestServer;
let engine: TestEngine;
const events: AppEvent[] = [];
const outputs: string[] = [];
const backups = tempDir('pci-sentinel-backups-');

const uri = (pw: string) => mongo.uri.replace('mongodb://', `mongodb://keeper:${pw}@`) + 'pcifm?authSource=admin';

async function call(name: string, input: unknown): Promise<Envelope<unknown>> {
  const envelope = await dispatch(engine, name, input);
  outputs.push(JSON.stringify(envelope));
  return envelope;
}

beforeAll(async () => {
  [mongo, s3] = await Promise.all([startMongoTestServer({ auth: { username: 'keeper', password: S.mongoPassword } }), startS3TestServer({ buckets: ['pci-files'], secretAccessKey: S.r2Secret })]);
  const client = new MongoClient(uri(S.mongoPassword));
  await client.db('pcifm').collection('files').insertMany([{ storageKey: 'docs/a.pdf', size: 5 }, { storageKey: 'docs/b.pdf', size: 6 }]);
  await client.close();
  const s3c = r2Client(s3);
  await s3c.send(new PutObjectCommand({ Bucket: 'pci-files', Key: 'docs/a.pdf', Body: 'aaaaa' }));
  await s3c.send(new PutObjectCommand({ Bucket: 'pci-files', Key: 'docs/b.pdf', Body: 'bbbbbb' }));
  s3c.destroy();
  engine = testEngine({ env: { PCI_BACKUP_PASSPHRASE: S.passphrase } });
  engine.onEvent((e) => events.push(e));
});
afterAll(async () => {
  await Promise.all([mongo?.close(), s3?.close()]);
  fs.rmSync(engine.home, { recursive: true, force: true });
  fs.rmSync(backups, { recursive: true, force: true });
});

describe('sentinel secrets', () => {
  it('never leave the secret store', async () => {
    const r2 = { endpoint: s3.endpoint, bucket: 'pci-files', accessKeyId: s3.accessKeyId };
    const profile = (name: string) => ({ name, sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', ...r2 }], destination: { kind: 'folder', path: backups } });

    // The wizard's calls, with right and wrong secrets.
    expect((await call('connections.testMongo', { uri: uri(S.wrongMongoPassword) })).ok).toBe(true);
    expect((await call('connections.testMongo', { uri: uri(S.mongoPassword) })).ok).toBe(true);
    expect((await call('connections.testR2', { r2, secretAccessKey: S.wrongR2Secret })).ok).toBe(true);
    expect((await call('connections.testR2', { r2, secretAccessKey: S.r2Secret })).ok).toBe(true);
    await call('connections.detectMapping', { mongo: { uri: uri(S.mongoPassword), database: 'pcifm' }, r2, secretAccessKey: S.r2Secret });
    await call('connections.testMongo', { uri: `${uri(S.mongoPassword)}&unknown=${S.passphrase}`, extra: S.wrongMongoPassword });
    expect((await call('profiles.save', { profile: profile('Good'), secrets: { mongoUri: uri(S.mongoPassword), r2SecretAccessKey: S.r2Secret } })).ok).toBe(true);
    expect((await call('profiles.save', { profile: profile('Bad'), secrets: { mongoUri: uri(S.wrongMongoPassword), r2SecretAccessKey: S.wrongR2Secret } })).ok).toBe(true);
    for (const name of ['Good', 'Bad']) {
      await call('profiles.get', { name });
      await call('profiles.test', { name });
      await call('health.get', { profile: name });
      const job = await call('health.countBucket', { profile: name });
      if (job.ok) await engine.jobs.wait((job.result as { id: string }).id);
      // The maintenance plan's database checks: results go to the history and the plan.
      const plan = await call('plan.run', { profile: name, checks: ['mongo-status', 'db-validate', 'db-advice'] });
      if (plan.ok) await engine.jobs.wait((plan.result as { id: string }).id);
      await call('plan.get', { profile: name });
    }
    await call('profiles.list', {});
    await call('history.list', {});

    // The CLI, reading the same data folder.
    const cli = async (args: string[]) => {
      await runCli(['--home', engine.home, ...args], { out: (t) => outputs.push(t), err: (t) => outputs.push(t), isTTY: false });
    };
    await cli(['profile', 'show', 'Good']);
    await cli(['--json', 'profile', 'show', 'Bad']);
    await cli(['--json', 'profile', 'test', 'Bad']);
    await cli(['profile', 'test', 'Good']);
    await cli(['health', '--profile', 'Bad']);
    await cli(['--json', 'health', '--profile', 'Good']);
    await cli(['plan', '--profile', 'Bad', '--run', '--check', 'mongo-status']);
    await cli(['--json', 'plan', '--profile', 'Good']);
    await cli(['profile', 'list']);
    await engine.close();

    // The failing paths really ran (so the search below means something).
    expect(outputs.join('\n')).toContain('MONGO_AUTH_FAILED');
    expect(outputs.join('\n')).toContain('R2_AUTH_FAILED');
    expect(events.some((e) => e.type === 'job.updated' && e.job.status === 'failed')).toBe(true);
    // The secret store itself does hold them (0600): that is where they belong.
    const creds = fs.readFileSync(path.join(engine.home, 'credentials.json'), 'utf8');
    expect(creds).toContain(S.mongoPassword);
    expect(fs.statSync(path.join(engine.home, 'credentials.json')).mode & 0o777).toBe(0o600);

    const searched: Record<string, string> = { events: JSON.stringify(events), outputs: outputs.join('\n') };
    for (const file of fs.readdirSync(engine.home, { recursive: true, encoding: 'utf8' })) {
      const full = path.join(engine.home, file);
      if (file === 'credentials.json' || !fs.statSync(full).isFile()) continue;
      searched[file] = fs.readFileSync(full).toString('latin1');
    }
    expect(Object.keys(searched)).toEqual(expect.arrayContaining(['profiles.json', 'history.sqlite', path.join('logs', 'main.log')]));
    expect(searched[path.join('logs', 'main.log')]).toContain('saved connection "Bad"');
    expect(searched.outputs).toContain('mongodb://keeper:••••@');
    expect(searched.outputs).toContain('All checks passed.');
    for (const [where, text] of Object.entries(searched)) {
      for (const secret of SENTINELS) expect(text.includes(secret), `${secret} found in ${where}`).toBe(false);
      expect(text.includes(encodeURIComponent(S.mongoPassword)), where).toBe(false);
    }
  });

  it('leave example connection strings in hints alone', async () => {
    const e = testEngine();
    const out = (await dispatch(e, 'connections.testMongo', { uri: 'mongo://wrong' })) as Envelope<{ checks: Array<{ hint: string }> }>;
    expect(out.ok && out.result.checks[0].hint).toContain('mongodb://user:password@server:27017/database');
    await e.dispose();
  });
});

describe('sentinel secrets in backup, verify, restore, check, schedules and notifications', () => {
  it('never leave the secret store', async () => {
    const e = testEngine({ env: { PCI_BACKUP_PASSPHRASE: S.passphrase } });
    const seen: AppEvent[] = [];
    const said: string[] = [];
    e.onEvent((ev) => seen.push(ev));
    const api = async (name: string, input: unknown): Promise<Envelope<unknown>> => {
      const envelope = await dispatch(e, name, input);
      said.push(JSON.stringify(envelope));
      return envelope;
    };
    const job = async (name: string, input: unknown): Promise<Job | null> => {
      const started = await api(name, input);
      if (!started.ok) return null;
      const done = await e.jobs.wait((started.result as { id: string }).id);
      said.push(JSON.stringify(done));
      return done;
    };
    const places = { Good: tempDir('pci-sentinel-good-'), Bad: tempDir('pci-sentinel-bad-') };
    const r2 = { endpoint: s3.endpoint, bucket: 'pci-files', accessKeyId: s3.accessKeyId };
    const fileRecords = { collection: 'files', keyField: 'storageKey', sizeField: 'size' };
    await api('profiles.save', { profile: { name: 'Good', sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', ...r2 }], fileRecords, destination: { kind: 'folder', path: places.Good } }, secrets: { mongoUri: uri(S.mongoPassword), r2SecretAccessKey: S.r2Secret } });
    await api('profiles.save', { profile: { name: 'Bad', sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', ...r2 }], fileRecords, destination: { kind: 'folder', path: places.Bad } }, secrets: { mongoUri: uri(S.wrongMongoPassword), r2SecretAccessKey: S.wrongR2Secret } });

    // Notifications with a webhook token and an SMTP password; both channels fail (nothing listens).
    const notify = await api('notify.set', {
      profile: 'Good',
      settings: { ...DEFAULT_NOTIFY, webhook: { enabled: true, format: 'json', onSuccess: true }, email: { enabled: true, host: '127.0.0.1', port: 9, security: 'none', username: 'keeper', from: 'maint@example.com', to: ['office@example.com'], onSuccess: true } },
      webhookUrl: `http://127.0.0.1:9/hooks/${S.webhookToken}`,
      smtpPassword: S.smtpPassword,
    });
    expect(notify.ok).toBe(true);
    await api('notify.get', { profile: 'Good' });
    const tested = await api('notify.test', { profile: 'Good' });
    expect(tested.ok && (tested as { result: { results: { ok: boolean }[] } }).result.results.some((r) => !r.ok)).toBe(true);

    // Backup, verify with a test restore, the storage check, a restore: right and wrong secrets.
    const good = await job('backup.start', { profile: 'Good' });
    expect(good?.status).toBe('succeeded');
    expect((await job('backup.start', { profile: 'Bad' }))?.status).toBe('failed');
    expect((await job('verify.start', { profile: 'Good', depth: 'full', testRestore: true }))?.status).toBe('succeeded');
    expect((await job('verify.start', { profile: 'Good', passphrase: S.wrongPassphrase }))?.status ?? 'failed').toBe('failed');
    await job('verify.start', { profile: 'Bad', testRestore: true });
    const checked = await job('check.start', { profile: 'Good' });
    expect(checked?.status, said.at(-1)).toBe('succeeded');
    expect((await job('check.start', { profile: 'Bad' }))?.status ?? 'failed').toBe('failed');
    const plan = await api('restore.plan', { profile: 'Good', snapshot: 'latest' });
    expect(plan.ok).toBe(true);
    expect((await job('restore.start', { planId: (plan as { result: RestorePlan }).result.id, confirm: RESTORE_CONFIRM_WORD, safety: { mode: 'take' } }))?.status).toBe('succeeded');
    expect((await api('restore.plan', { profile: 'Bad', snapshot: 'latest' })).ok).toBe(false);

    // The system-scheduler entries (cron text and the others), through the API and the CLI.
    const os = await api('schedule.osPlan', { profile: 'Good' });
    expect(os.ok).toBe(true);
    const cronText = JSON.stringify((os as { result: unknown }).result);
    expect(cronText).toMatch(/backup/);
    await runCli(['--home', e.home, 'schedule', 'show', '--profile', 'Good'], { out: (t) => said.push(t), err: (t) => said.push(t), isTTY: false });
    await runCli(['--home', e.home, '--json', 'history'], { out: (t) => said.push(t), err: (t) => said.push(t), isTTY: false });
    await e.close();

    // The failing paths really ran.
    const all = said.join('\n');
    expect(all).toContain('MONGO_AUTH_FAILED');
    expect(seen.some((ev) => ev.type === 'job.updated' && ev.job.status === 'failed')).toBe(true);

    expect(fs.readFileSync(path.join(e.home, 'notify-secrets.json'), 'utf8')).toContain(S.smtpPassword);
    expect(fs.statSync(path.join(e.home, 'notify-secrets.json')).mode & 0o777).toBe(0o600);
    const searched: Record<string, string> = { events: JSON.stringify(seen), outputs: all, cron: cronText };
    for (const [root, prefix] of [[e.home, 'home'], [places.Good, 'good-location'], [places.Bad, 'bad-location']] as const) {
      for (const file of fs.readdirSync(root, { recursive: true, encoding: 'utf8' })) {
        const full = path.join(root, file);
        // The two secret stores (0600) are where they belong.
        if ((prefix === 'home' && (file === 'credentials.json' || file === 'notify-secrets.json')) || !fs.statSync(full).isFile()) continue;
        searched[`${prefix}/${file}`] = fs.readFileSync(full).toString('latin1');
      }
    }
    expect(Object.keys(searched).some((k) => k.startsWith('good-location/snapshots'))).toBe(true);
    for (const [where, text] of Object.entries(searched)) {
      for (const secret of Object.values(S)) expect(text.includes(secret), `${secret} found in ${where}`).toBe(false);
      expect(text.includes(encodeURIComponent(S.mongoPassword)), where).toBe(false);
    }
    fs.rmSync(e.home, { recursive: true, force: true });
  });
});
