// `pci-maint plan` as a cron job or a person runs it (the built CLI, real child processes): the plan as
// text and JSON, --run with exit 3 when a check finds a problem and 0 when all is well, sign-offs.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveProfile } from '../../../electron/core/profiles/service';
import { runCli } from '../../support/serve';
import { tempDir, testEngine } from '../../support/engine';

let home: string;
let app: http.Server;
let healthy = true;
const env = { ...process.env, PCI_MONGODB_URI: 'mongodb://127.0.0.1:9/pcifm' };

beforeAll(async () => {
  app = http.createServer((_req, res) => ((res.statusCode = healthy ? 200 : 500), res.end()));
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  home = tempDir('pci-plan-cli-');
  const engine = testEngine({ home });
  await saveProfile(engine, {
    name: 'Office',
    sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', endpoint: 'http://127.0.0.1:9', bucket: 'pci-files', accessKeyId: 'AKIA' }],
    destination: { kind: 'folder', path: home },
    app: { healthUrl: `http://127.0.0.1:${(app.address() as AddressInfo).port}/health` },
  });
  await engine.close();
});

afterAll(async () => {
  app.closeAllConnections();
  await new Promise((r) => app.close(r));
  fs.rmSync(home, { recursive: true, force: true });
});

describe('pci-maint plan', () => {
  it('lists the plan grouped daily / weekly / monthly, and as JSON', async () => {
    const text = await runCli(home, env, ['plan', '--profile', 'Office']);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/Daily\n {2}! The app answers \[app-health\]: due now \(never done\)/);
    expect(text.out).toMatch(/Weekly[\s\S]*Tell users about the maintenance window \[announce-window, manual\]/);
    expect(text.out).toMatch(/15 items due\./);
    const json = await runCli(home, env, ['--json', 'plan', '--profile', 'Office']);
    expect(JSON.parse(json.out).items).toHaveLength(15);
  });

  it('--run --check: exit 0 when the check finds nothing, 3 when it finds a problem; the result is kept', async () => {
    healthy = true;
    const good = await runCli(home, env, ['plan', '--profile', 'Office', '--run', '--check', 'app-health']);
    expect(good.code, good.err).toBe(0);
    expect(good.out).toMatch(/✓ The app answers: The app answered in/);
    healthy = false;
    const bad = await runCli(home, env, ['--json', 'plan', '--profile', 'Office', '--run', '--check', 'app-health', 'disk-space']);
    expect(bad.code).toBe(3);
    const summary = JSON.parse(bad.out);
    expect(summary.status).toBe('problems');
    expect(summary.results.map((r: { id: string; level: string }) => `${r.id}:${r.level}`)).toContain('app-health:critical');
    const listed = await runCli(home, env, ['plan', '--profile', 'Office']);
    expect(listed.out).toMatch(/The app answers \[app-health\]: done \(next .*\)\n {6}last result .*: ✗ The app does not answer/);
  });

  it('a manual step is signed off with a note; an automated one cannot be', async () => {
    const signed = await runCli(home, env, ['plan', '--profile', 'Office', '--sign-off', 'announce-window', '--note', 'Mail sent for Tuesday 03:00']);
    expect(signed.code, signed.err).toBe(0);
    expect(signed.out).toContain('Signed off "Tell users about the maintenance window".');
    const listed = await runCli(home, env, ['plan', '--profile', 'Office']);
    expect(listed.out).toMatch(/signed off .*: Mail sent for Tuesday 03:00/);
    const refused = await runCli(home, env, ['plan', '--profile', 'Office', '--run', '--check', 'announce-window']);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/is a manual step/);
  });
});
