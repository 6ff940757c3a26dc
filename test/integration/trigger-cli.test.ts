// Trigger tokens from the built CLI (`pci-maint trigger create|list|revoke`) used against the built
// `pci-maint serve` over real HTTP: the token printed once works, the list never shows it, a revoked
// one is refused; `pci-maint backup --event --tag` (the hook's other way) and `prune` with the saved
// rules and with flags (`pci-maint retention set`), each decision worded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveProfile } from '../../electron/core/profiles/service';
import { TEST_TRIGGER_SETTLE_ENV } from '../../electron/core/runtime-mode';
import type { CreatedTriggerToken, PruneSummary, RetentionView, TriggerList } from '../../shared/contract';
import type { Job } from '../../shared/jobs';
import { BUCKET, DB, putObject, removeTempDirs, startServers, tempDir, type Servers } from '../support/backup';
import { testEngine } from '../support/engine';
import { runCli, serveApp, type ServedApp } from '../support/serve';
import { post as postHttp } from '../support/trigger';

let servers: Servers;
let home: string;
let env: NodeJS.ProcessEnv;
const run = (args: string[]) => runCli(home, env, args);

const post = (app: ServedApp, pathname: string, headers: Record<string, string>, body?: string) => postHttp(new URL(app.origin).port, pathname, { headers, body });

beforeAll(async () => {
  servers = await startServers({ replSetName: 'rs0' });
  await servers.mongoClient.db(DB).collection('galleries').insertOne({ name: 'summer' });
  await putObject(servers.s3Client, 'summer/1.jpg', Buffer.from('jpeg'), { contentType: 'image/jpeg' });
  home = await tempDir('pci-trigger-cli-home-');
  env = { ...process.env, PCI_MONGODB_URI: servers.mongo.uri, PCI_R2_SECRET_ACCESS_KEY: servers.s3.secretAccessKey, PCI_BACKUP_PASSPHRASE: '', [TEST_TRIGGER_SETTLE_ENV]: '300' };
  const engine = testEngine({ home, env });
  try {
    await saveProfile(engine, {
      name: 'Gallery',
      sources: [{ kind: 'mongodb', database: DB }, { kind: 's3', endpoint: servers.s3.endpoint, bucket: BUCKET, accessKeyId: servers.s3.accessKeyId, forcePathStyle: true }],
      destination: { kind: 'folder', path: await tempDir('pci-trigger-cli-backups-') },
    });
  } finally {
    await engine.dispose();
  }
});

afterAll(async () => {
  await servers?.close();
  await removeTempDirs();
});

describe('pci-maint trigger', () => {
  it('creates a token (printed once), lists it without the token, and serve honours it until it is revoked', async () => {
    const made = await run(['--json', 'trigger', 'create', '--profile', 'Gallery', '--label', 'gallery app']);
    expect(made.code, made.err).toBe(0);
    const token = (JSON.parse(made.out) as CreatedTriggerToken).token;
    expect(token).toMatch(/^pcit_/);
    const text = await run(['trigger', 'create', '--profile', 'Gallery']);
    expect(text.out).toContain('This is the only time it is shown');
    expect(text.out).toMatch(/curl -X POST -H "Authorization: Bearer pcit_[\w-]+" http:\/\/127\.0\.0\.1:\d+\/api\/trigger\/Gallery/);

    const listed = await run(['--json', 'trigger', 'list', '--profile', 'Gallery']);
    const list = JSON.parse(listed.out) as TriggerList;
    expect(list.tokens.map((t) => t.label)).toEqual(['gallery app', 'Trigger 2']);
    expect(listed.out).not.toContain(token);
    expect((await run(['trigger', 'list', '--profile', 'Gallery'])).out).toContain('never used');

    const app = await serveApp({ home, env });
    try {
      const ok = await post(app, '/api/trigger/Gallery', { authorization: `Bearer ${token}` }, '{"tag":"gallery-added"}');
      expect(ok.status).toBe(202);
      const job = await waitForJob(app, String(ok.json.jobId));
      expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
      expect(job.title).toBe('Event backup of "Gallery" (gallery-added)');

      const revoked = await run(['trigger', 'revoke', '--profile', 'Gallery', '--id', list.tokens[0].id]);
      expect(revoked.code, revoked.err).toBe(0);
      expect(revoked.out).toContain(`Revoked trigger token ${list.tokens[0].id}`);
      expect((await post(app, '/api/trigger/Gallery', { authorization: `Bearer ${token}` })).status).toBe(401);
    } finally {
      await app.stop();
    }
    const again = await run(['trigger', 'revoke', '--profile', 'Gallery', '--id', list.tokens[0].id]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('no trigger token with that id');
  });

  it('backs up from a hook with --event --tag, and refuses --tag event', async () => {
    const refused = await run(['backup', '--profile', 'Gallery', '--tag', 'event']);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('add --event');
    const r = await run(['--json', 'backup', '--profile', 'Gallery', '--event', '--tag', 'gallery-added']);
    expect(r.code, r.err).toBe(0);
    const list = JSON.parse((await run(['--json', 'snapshots', '--profile', 'Gallery'])).out) as { restorePoints: Array<{ tags: string[]; trigger: string }> };
    expect(list.restorePoints[0]).toMatchObject({ tags: ['event', 'gallery-added'], trigger: 'event' });
  });

  it('prunes with the saved rules, or with flags for one run; every decision says why', async () => {
    const manual = await run(['backup', '--profile', 'Gallery']);
    expect(manual.code, manual.err).toBe(0);
    const shown = JSON.parse((await run(['--json', 'retention', 'show', '--profile', 'Gallery'])).out) as RetentionView;
    expect(shown).toMatchObject({ saved: false, settings: { keepDaily: 30, keepWeekly: 12, keepMonthly: 12, keepTaggedDays: { event: 90 } } });

    // Saved: nothing by age, event-triggered ones 90 days → the manual backup (the newest) and the event ones stay.
    const set = await run(['--json', 'retention', 'set', '--profile', 'Gallery', '--keep-daily', '0', '--keep-weekly', '0', '--keep-monthly', '0']);
    expect(set.code, set.err).toBe(0);
    expect(JSON.parse(set.out)).toMatchObject({ saved: true, settings: { keepDaily: 0, keepTaggedDays: { event: 90, 'pre-update': 90 } } });
    const dry = JSON.parse((await run(['--json', 'prune', '--profile', 'Gallery', '--dry-run'])).out) as PruneSummary;
    expect(dry.forget).toEqual([]);
    expect(dry.keep.map((k) => k.why)).toEqual(['kept: the newest', 'kept: event, 90 days', 'kept: event, 90 days']);
    const text = await run(['prune', '--profile', 'Gallery', '--dry-run']);
    expect(text.out).toContain('kept: event, 90 days');

    // A flag for this run only: the event rule off → the two event backups would go.
    const flagged = JSON.parse((await run(['--json', 'prune', '--profile', 'Gallery', '--dry-run', '--keep-tag', 'event=0'])).out) as PruneSummary;
    expect(flagged.forget.map((f) => f.why)).toEqual(['removed: older than every rule keeps', 'removed: older than every rule keeps']);
    expect((JSON.parse((await run(['--json', 'retention', 'show', '--profile', 'Gallery'])).out) as RetentionView).settings.keepTaggedDays.event).toBe(90);

    const bad = await run(['prune', '--profile', 'Gallery', '--keep-tag', 'Event']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('TAG=DAYS');
    const back = JSON.parse((await run(['--json', 'retention', 'set', '--profile', 'Gallery', '--defaults'])).out) as RetentionView;
    expect(back.saved).toBe(false);
  });
});

/** The job's final state from the running `serve`, through its contract (jobs.get with the UI token). */
async function waitForJob(app: ServedApp, id: string): Promise<Job> {
  for (;;) {
    const res = await post(app, '/api/jobs.get', { 'x-pci-token': app.token, 'content-type': 'application/json' }, JSON.stringify({ id }));
    const job = (res.json as { result: Job }).result;
    if (!['running', 'canceling'].includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, 200));
  }
}
