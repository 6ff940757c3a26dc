// The event trigger over real HTTP on 127.0.0.1 (browser mode's server, a real backup against the
// MongoDB wire double and the S3 test server): tokens refused (missing, wrong, another connection's,
// the UI's, revoked) with one answer that never says whether the connection exists; the right token
// starts a backup and answers 202 with its id at once; a burst coalesces into one job; the restore
// point and the history carry "event" and the events' tags; the token is never written anywhere.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/core/handlers';
import { saveProfile } from '../../electron/core/profiles/service';
import { locationLockKey } from '../../electron/core/backup/profile-jobs';
import { startServer, type RunningServer } from '../../electron/server/server';
import { TRIGGERS_FILE } from '../../electron/core/trigger/tokens';
import type { AppEvent, CreatedTriggerToken, HistoryPage, RestorePointList, TriggerList } from '../../shared/contract';
import { summaryOf } from '../../shared/api/job-summaries';
import { BUCKET, DB, putObject, removeTempDirs, startServers, tempDir, type Servers } from '../support/backup';
import { testEngine, type TestEngine } from '../support/engine';
import { post as postHttp } from '../support/trigger';

let servers: Servers;
let engine: TestEngine;
let server: RunningServer;
const events: AppEvent[] = [];
const tokens: string[] = [];

async function call<T>(name: string, input: unknown): Promise<T> {
  const res = await dispatch(engine, name, input);
  if (!res.ok) throw new Error(`${name}: ${res.error.code} ${res.error.message}`);
  return res.result as T;
}

const post = (pathname: string, options: { token?: string; body?: string; headers?: Record<string, string> } = {}) => postHttp(server.port, pathname, options);

beforeAll(async () => {
  servers = await startServers({ replSetName: 'rs0' });
  await servers.mongoClient.db(DB).collection('galleries').insertMany([{ name: 'summer' }, { name: 'winter' }]);
  await putObject(servers.s3Client, 'summer/1.jpg', Buffer.from('jpeg bytes'), { contentType: 'image/jpeg' });
  engine = testEngine({ env: { PCI_MONGODB_URI: servers.mongo.uri, PCI_R2_SECRET_ACCESS_KEY: servers.s3.secretAccessKey } });
  engine.onEvent((e) => events.push(e));
  // A burst is gathered for this long (60 s in the app); the calls below take milliseconds.
  engine.automation.triggers.settleMs = 3000;
  for (const name of ['Gallery', 'Other']) {
    await saveProfile(engine, {
      name,
      sources: [{ kind: 'mongodb', database: DB }, { kind: 's3', endpoint: servers.s3.endpoint, bucket: BUCKET, accessKeyId: servers.s3.accessKeyId, forcePathStyle: true }],
      destination: { kind: 'folder', path: await tempDir(`pci-trigger-${name}-`) },
    });
  }
  const renderer = await tempDir('pci-trigger-ui-');
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>PCI Maintenance</title>');
  server = await startServer({ engine, port: 0, rendererDir: renderer });
});

afterAll(async () => {
  await server?.close();
  await engine?.dispose();
  await servers?.close();
  await removeTempDirs();
});

describe('event trigger', () => {
  let gallery: CreatedTriggerToken;
  let other: CreatedTriggerToken;

  it('makes tokens shown once: the list and the file keep only a hash (file mode 0600)', async () => {
    gallery = await call<CreatedTriggerToken>('trigger.create', { profile: 'Gallery', label: 'Gallery app' });
    other = await call<CreatedTriggerToken>('trigger.create', { profile: 'Other' });
    tokens.push(gallery.token, other.token);
    expect(gallery.token).toMatch(/^pcit_[\w-]{43}$/);
    expect(gallery.hook).toBe(`curl -X POST -H "Authorization: Bearer ${gallery.token}" http://127.0.0.1:${server.port}/api/trigger/Gallery`);
    const list = await call<TriggerList>('trigger.list', { profile: 'Gallery' });
    expect(list.tokens).toEqual([expect.objectContaining({ id: gallery.id, label: 'Gallery app', lastUsedAt: null })]);
    expect(list.listeningAt).toBe(`http://127.0.0.1:${server.port}`);
    expect(JSON.stringify(list)).not.toContain(gallery.token);
    const file = path.join(engine.home, TRIGGERS_FILE);
    expect(fs.readFileSync(file, 'utf8')).not.toContain(gallery.token);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses missing, wrong, another connection\'s and the UI token with the same 401, whether the connection exists or not', async () => {
    const refusals = [
      await post('/api/trigger/Gallery'),
      await post('/api/trigger/Gallery', { token: 'pcit_wrong' }),
      await post('/api/trigger/Gallery', { token: other.token }),
      await post('/api/trigger/Gallery', { token: server.token }),
      await post('/api/trigger/Gallery', { headers: { 'x-pci-token': server.token } }),
      await post('/api/trigger/Nobody', { token: gallery.token }),
      await post('/api/trigger/Nobody'),
    ];
    for (const r of refusals) {
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Bearer');
    }
    expect(new Set(refusals.map((r) => JSON.stringify(r.json))).size).toBe(1);
    expect(JSON.stringify(refusals[0].json)).not.toMatch(/Gallery|Nobody|exist/i);
    expect(engine.jobs.list()).toEqual([]);
    // The trigger's path reaches nothing else without the UI token.
    for (const sneaky of ['/api/trigger/../app.info', '/api/trigger/%2e%2e/app.info', '/api/trigger/Gallery/../../app.info', '/api/trigger/x/y']) {
      const r = await post(sneaky, { token: gallery.token, body: '{}' });
      expect(r.status, sneaky).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(r.json), sneaky).not.toContain('dataFolder');
    }
    // The Host check comes first, as for every route of browser mode.
    expect((await post('/api/trigger/Gallery', { token: gallery.token, headers: { host: 'attacker.example' } })).status).toBe(403);
  });

  it('refuses a body with a bad or reserved tag (400), starting nothing', async () => {
    for (const body of ['{"tag":"Not A Tag"}', '{"tag":"event"}', '{"tag":"pre-update"}', 'not json', '{"tag":"ok","extra":1}']) {
      const r = await post('/api/trigger/Gallery', { token: gallery.token, body });
      expect(r.status, body).toBe(400);
      expect(r.json).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(engine.jobs.list()).toEqual([]);
  });

  it('starts one backup for a burst of triggers (202, the same job id), tagged "event" and the events\' tags', async () => {
    const answers = [
      await post('/api/trigger/Gallery', { token: gallery.token, body: '{"tag":"gallery-added"}', headers: { 'content-type': 'application/json' } }),
      await post('/api/trigger/Gallery', { token: gallery.token, body: '{"tag":"gallery-added"}' }), // curl -d: a form content type
      await post('/api/trigger/Gallery?tag=photo-uploaded', { token: gallery.token }),
      await post('/api/trigger/Gallery', { token: gallery.token }),
    ];
    for (const a of answers) expect(a.status).toBe(202);
    const ids = new Set(answers.map((a) => a.json.jobId));
    expect(ids.size).toBe(1);
    expect(answers.map((a) => a.json.coalesced)).toEqual([false, true, true, true]);
    expect(answers.at(-1)?.json.tags).toEqual(['event', 'gallery-added', 'photo-uploaded']);

    const jobId = String(answers[0].json.jobId);
    const final = await engine.jobs.wait(jobId);
    expect(final.status, JSON.stringify(final.error)).toBe('succeeded');
    expect(final.title).toBe('Event backup of "Gallery" (gallery-added)');
    expect(summaryOf(final, 'backup')?.tags).toEqual(['event', 'gallery-added', 'photo-uploaded']);
    expect(engine.jobs.list().filter((j) => j.kind === 'backup')).toHaveLength(1);

    // The history shows the job with its tags, and its log says which events joined it.
    const history = await call<HistoryPage>('history.list', { limit: 10 });
    const row = history.items.find((i) => i.id === jobId);
    expect(row).toMatchObject({ kind: 'backup', status: 'succeeded', title: 'Event backup of "Gallery" (gallery-added)' });
    const detail = await call<{ log: Array<{ message: string }> }>('history.get', { id: jobId });
    expect(detail.log.filter((l) => l.message.startsWith('Another event joined this backup'))).toHaveLength(3);

    const points = await call<RestorePointList>('snapshots.list', { profile: 'Gallery' });
    expect(points.restorePoints).toEqual([expect.objectContaining({ trigger: 'event', tags: ['event', 'gallery-added', 'photo-uploaded'] })]);
    expect((await call<TriggerList>('trigger.list', { profile: 'Gallery' })).tokens[0].lastUsedAt).not.toBeNull();
  });

  it('a trigger once the backup has started reading starts the next backup, which waits for the first', async () => {
    const first = await post('/api/trigger/Gallery', { token: gallery.token, body: '{"tag":"gallery-added"}' });
    const firstId = String(first.json.jobId);
    await new Promise<void>((resolve) => {
      const off = engine.jobs.onUpdate((j) => {
        if (j.id === firstId && j.progress.phase !== 'Waiting for more events' && j.progress.phase !== 'Starting') {
          off();
          resolve();
        }
      });
    });
    const next = await post('/api/trigger/Gallery', { token: gallery.token });
    expect(next.status).toBe(202);
    expect(next.json).toMatchObject({ coalesced: false, tags: ['event'] });
    expect(next.json.jobId).not.toBe(firstId);
    const [a, b] = await Promise.all([engine.jobs.wait(firstId), engine.jobs.wait(String(next.json.jobId))]);
    expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
    expect(Date.parse(b.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(a.finishedAt!));
  });

  it('while it waits for another job on the same backup location, triggers still join it', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const other = engine.jobs.start({ kind: 'prune', title: 'Clean up old backups of "Gallery"', locks: [locationLockKey(engine.profiles.get('Gallery'))], run: () => held });
    const first = await post('/api/trigger/Gallery', { token: gallery.token, body: '{"tag":"gallery-added"}' });
    const id = String(first.json.jobId);
    await new Promise<void>((resolve) => {
      const check = (phase: string) => phase === 'Waiting for another job' && (off(), resolve());
      const off = engine.jobs.onUpdate((j) => j.id === id && check(j.progress.phase));
      check(engine.jobs.get(id).progress.phase);
    });
    const joined = await post('/api/trigger/Gallery?tag=photo-uploaded', { token: gallery.token });
    expect(joined.json).toMatchObject({ jobId: id, coalesced: true, tags: ['event', 'gallery-added', 'photo-uploaded'] });
    release();
    await engine.jobs.wait(other.id);
    const done = await engine.jobs.wait(id);
    expect(done.status).toBe('succeeded');
    expect(summaryOf(done, 'backup')?.tags).toEqual(['event', 'gallery-added', 'photo-uploaded']);
  });

  it('refuses a revoked token', async () => {
    await call<TriggerList>('trigger.revoke', { profile: 'Gallery', id: gallery.id });
    const r = await post('/api/trigger/Gallery', { token: gallery.token });
    expect(r.status).toBe(401);
    expect((await call<TriggerList>('trigger.list', { profile: 'Gallery' })).tokens).toEqual([]);
  });

  it('a renamed connection keeps its tokens; a removed one loses them, so a new connection of that name inherits none', async () => {
    const made = await call<CreatedTriggerToken>('trigger.create', { profile: 'Other', label: 'old app' });
    tokens.push(made.token);
    const profile = (await call<{ profile: Record<string, unknown> }>('profiles.get', { name: 'Other' })).profile;
    await call('profiles.save', { profile: { ...profile, name: 'Renamed' }, previousName: 'Other' });
    expect((await call<TriggerList>('trigger.list', { profile: 'Renamed' })).tokens.map((t) => t.label)).toEqual(['Trigger 1', 'old app']);
    await call('profiles.remove', { name: 'Renamed' });
    await call('profiles.save', { profile: { ...profile, name: 'Renamed' } });
    expect((await call<TriggerList>('trigger.list', { profile: 'Renamed' })).tokens).toEqual([]);
    expect((await post('/api/trigger/Renamed', { token: made.token })).status).toBe(401);
  });

  it('never writes a token into the log, the history, the events or the settings', async () => {
    await engine.automation.idle();
    const places: string[] = [JSON.stringify(events)];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else places.push(fs.readFileSync(p).toString('latin1'));
      }
    };
    walk(engine.home);
    expect(places.length).toBeGreaterThan(3);
    for (const token of tokens) for (const text of places) expect(text.includes(token)).toBe(false);
  });
});
