// The maintenance plan of a connection on a real engine: items from the plans with their default
// frequencies, due / overdue on an injected clock, manual steps signed off with a note (kept in the
// history database), items switched off or moved to another frequency (plan.json), and "Run now" as a
// job that records each result and ends as "found problems" when a check warns.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanRunSummary } from '../../../shared/api/plan';
import { dispatch } from '../../../electron/core/handlers';
import { planJob, planView, signOffStep } from '../../../electron/core/plan/plan';
import { healthReport } from '../../../electron/core/health/health';
import { saveProfile } from '../../../electron/core/profiles/service';
import { startMongoTestServer, type MongoTestServer } from '../../support/mongo-wire';
import { tempDir, testEngine, type TestEngine } from '../../support/engine';

let mongo: MongoTestServer;
let engine: TestEngine;
let backups: string;
let app: http.Server;

const T0 = Date.parse('2026-03-10T08:00:00Z');
const DAY = 86_400_000;

beforeAll(async () => {
  mongo = await startMongoTestServer();
  app = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  backups = tempDir('pci-plan-backups-');
  engine = testEngine({ env: {} });
  await saveProfile(
    engine,
    {
      name: 'Office',
      sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', endpoint: 'http://127.0.0.1:9', bucket: 'pci-files', accessKeyId: 'AKIA' }],
      destination: { kind: 'folder', path: backups },
      app: { healthUrl: `http://127.0.0.1:${(app.address() as AddressInfo).port}/health` },
    },
    { mongoUri: `${mongo.uri}pcifm` },
  );
});

afterAll(async () => {
  await engine.dispose();
  await mongo.close();
  app.closeAllConnections();
  await new Promise((r) => app.close(r));
  fs.rmSync(backups, { recursive: true, force: true });
});

const item = (view: ReturnType<typeof planView>, id: string) => view.items.find((i) => i.id === id)!;

describe('the maintenance plan', () => {
  it('lists automated checks and manual steps grouped by the plans’ frequencies, all due at first', () => {
    const view = planView(engine, 'Office', { now: () => T0 });
    const by = (f: string) => view.items.filter((i) => i.frequency === f).map((i) => i.id);
    expect(by('daily')).toEqual(['app-health', 'error-rate', 'disk-space', 'resources', 'mongo-status', 'backups']);
    expect(by('weekly')).toEqual(['tls-cert', 'db-validate', 'review-updates', 'review-access', 'announce-window']);
    expect(by('monthly')).toEqual(['db-advice', 'restore-test', 'security-audit', 'review-retention']);
    expect(view.items.every((i) => i.state === 'due' && i.dueAt === null)).toBe(true);
    expect(view.dueCount).toBe(view.items.length);
    expect(view.overdueCount).toBe(0);
    expect(item(view, 'review-updates').kind).toBe('manual');
  });

  it('a sign-off makes a step done until its next due date, then due, then overdue; the history keeps every sign-off', async () => {
    signOffStep(engine, 'Office', 'review-updates', 'Version 2.4 is out; read its notes, planned for Tuesday.', { now: () => T0 });
    let view = planView(engine, 'Office', { now: () => T0 + DAY });
    const step = item(view, 'review-updates');
    expect(step.state).toBe('done');
    expect(step.dueAt).toBe('2026-03-17T08:00:00.000Z');
    expect(step.lastSignOff?.note).toMatch(/Version 2.4/);
    expect(item(planView(engine, 'Office', { now: () => T0 + 7 * DAY + 1 }), 'review-updates').state).toBe('due');
    view = planView(engine, 'Office', { now: () => T0 + 10 * DAY });
    expect(item(view, 'review-updates').state).toBe('overdue');
    expect(view.overdueCount).toBe(1);

    signOffStep(engine, 'Office', 'review-updates', 'Nothing new.', { now: () => T0 + 10 * DAY });
    expect(item(planView(engine, 'Office', { now: () => T0 + 10 * DAY }), 'review-updates').state).toBe('done');
    const history = await dispatch(engine, 'plan.signOffs', { profile: 'Office', item: 'review-updates' });
    expect(history.ok && (history.result as { note: string }[]).map((h) => h.note)).toEqual(['Nothing new.', 'Version 2.4 is out; read its notes, planned for Tuesday.']);
  });

  it('overdue items reach the dashboard as a recommended action', async () => {
    const report = await healthReport(engine, 'Office', { now: T0 + 20 * DAY, timeoutMs: 2000 });
    const action = report.actions.find((a) => a.id === 'plan-overdue');
    expect(action?.route).toBe('/plan');
    expect(action?.text).toMatch(/^1 item of the maintenance plan is overdue: “Look for updates and read the release notes”\.$/);
    const fresh = await healthReport(engine, 'Office', { now: T0 + 11 * DAY, timeoutMs: 2000 });
    expect(fresh.actions.some((a) => a.id === 'plan-overdue')).toBe(false);
  });

  it('an automated check cannot be signed off, and an unknown item is refused in plain words', async () => {
    const auto = await dispatch(engine, 'plan.signOff', { profile: 'Office', item: 'app-health', note: '' });
    expect(!auto.ok && auto.error.message).toMatch(/checked by the app itself/);
    const unknown = await dispatch(engine, 'plan.signOff', { profile: 'Office', item: 'no-such-step' });
    expect(!unknown.ok && unknown.error.code).toBe('INVALID_INPUT');
  });

  it('items can be switched off or given another frequency; the settings survive in plan.json', async () => {
    const changed = await dispatch(engine, 'plan.settings', { profile: 'Office', items: { resources: { enabled: false }, 'review-access': { frequency: 'monthly' } }, publicUrl: 'https://files.example.org' });
    expect(changed.ok).toBe(true);
    const view = planView(engine, 'Office', { now: () => T0 });
    expect(item(view, 'resources').state).toBe('off');
    expect(item(view, 'review-access').frequency).toBe('monthly');
    expect(view.settings.publicUrl).toBe('https://files.example.org');
    expect(JSON.parse(fs.readFileSync(`${engine.home}/plan.json`, 'utf8')).profiles.Office.items.resources).toEqual({ enabled: false });
    const bad = await dispatch(engine, 'plan.settings', { profile: 'Office', publicUrl: 'http://not-secure.example.org' });
    expect(!bad.ok && bad.error.code).toBe('INVALID_INPUT');
    await dispatch(engine, 'plan.settings', { profile: 'Office', publicUrl: null });
  });

  it('runs the automated checks as a job: results recorded, switched-off checks skipped, "found problems" when one warns', async () => {
    const spec = planJob(engine, 'Office', { now: () => T0, checkOptions: { validatePauseMs: 0, resourceSamples: 1 } });
    const job = await engine.jobs.wait(engine.jobs.start(spec).id);
    const summary = job.summary as PlanRunSummary;
    const ids = summary.results.map((r) => r.id);
    expect(ids).not.toContain('resources');
    expect(ids).toContain('db-validate');
    const level = (id: string) => summary.results.find((r) => r.id === id)?.level;
    expect(level('app-health')).toBe('ok');
    expect(level('backups')).toBe('warning'); // no backup yet
    expect(level('tls-cert')).toBe('not-checked'); // http only, no public address
    expect(level('db-validate')).toBe('info'); // an empty database
    expect(job.status).toBe('problems');
    expect(job.error?.message).toMatch(/backups and verifications on time/);

    const view = planView(engine, 'Office', { now: () => T0 + DAY / 2 });
    expect(item(view, 'app-health').state).toBe('done');
    expect(item(view, 'app-health').lastResult?.level).toBe('ok');
    expect(item(view, 'db-validate').dueAt).toBe('2026-03-17T08:00:00.000Z');
    expect(item(planView(engine, 'Office', { now: () => T0 + 2 * DAY }), 'app-health').state).toBe('overdue');
  });

  it('the daily run is off by default; switched on, the scheduler runs only the checks that are due', async () => {
    const task = () => engine.automation.tasks().find((t) => t.key === 'plan:Office')!;
    expect(task().timing.enabled).toBe(false);
    const saved = await dispatch(engine, 'plan.settings', { profile: 'Office', autoRun: { enabled: true, time: '06:15' } });
    expect(saved.ok && (saved.result as { autoRun: unknown }).autoRun).toEqual({ enabled: true, time: '06:15' });
    expect(task().timing).toMatchObject({ enabled: true, frequency: 'daily', time: '06:15' });

    // Everything ran moments ago except the checks switched on since: only those are due now.
    await engine.jobs.wait(engine.jobs.start(planJob(engine, 'Office', { checkOptions: { validatePauseMs: 0 } })).id);
    await dispatch(engine, 'plan.settings', { profile: 'Office', items: { resources: { enabled: true } } });
    const fired = await task().fire({ task: 'plan:Office', slot: 'test', dueAt: Date.now(), missed: false });
    expect(fired.outcome).toBe('started');
    const job = await engine.jobs.wait(fired.opId!);
    expect(job.title).toBe('Scheduled maintenance plan checks that are due');
    expect((job.summary as PlanRunSummary).results.map((r) => r.id)).toEqual(['resources']);
    await dispatch(engine, 'plan.settings', { profile: 'Office', autoRun: { enabled: false, time: '06:15' } });
  });

  it('one check by id; a manual step or an unknown id is refused before any job starts', async () => {
    const started = await dispatch(engine, 'plan.run', { profile: 'Office', checks: ['app-health'] });
    expect(started.ok).toBe(true);
    const job = await engine.jobs.wait((started as { result: { id: string } }).result.id);
    expect(job.status).toBe('succeeded');
    expect((job.summary as PlanRunSummary).results.map((r) => r.id)).toEqual(['app-health']);
    const manual = await dispatch(engine, 'plan.run', { profile: 'Office', checks: ['restore-test'] });
    expect(!manual.ok && manual.error.message).toMatch(/manual step/);
  });
});
