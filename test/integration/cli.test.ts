// The built `pci-maint` command as a cron job or a person would run it: output, JSON, exit codes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, runCli, serveApp } from '../support/serve';
import { tempDir } from '../support/engine';

const homes: string[] = [];
afterAll(() => homes.forEach((h) => fs.rmSync(h, { recursive: true, force: true })));

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const home = tempDir();
  homes.push(home);
  const res = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, PCI_MAINT_HOME: home, ...env } });
  return { code: res.status, out: res.stdout, err: res.stderr, home };
}

describe('pci-maint', () => {
  it('prints help and version', () => {
    const help = run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('serve');
    expect(help.out).toContain('history');
    expect(help.out).toContain('--home');
    const version = run(['--version']);
    expect(version.code).toBe(0);
    expect(version.out.trim()).toBe(JSON.parse(fs.readFileSync('package.json', 'utf8')).version);
  });

  it('says which data folder it looked in when there are no connections, with nothing else before it', async () => {
    const home = tempDir();
    homes.push(home);
    const list = await runCli(home, process.env, ['profile', 'list']);
    expect(list.code).toBe(0);
    expect(list.out.trim()).toBe(`No connections yet in the data folder ${home}. Create one with "pci-maint profile set NAME …", or choose the data folder that has them with --home DIR (or PCI_MAINT_HOME).`);
    expect(list.err).toBe('');
  });

  it('lists an empty history in words and as JSON', () => {
    const text = run(['history']);
    expect(text.code).toBe(0);
    expect(text.out).toContain('No operations yet');
    const json = run(['--json', 'history']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual({ total: 0, items: [] });
    // The data folder was created where PCI_MAINT_HOME said.
    expect(fs.existsSync(`${json.home}/history.sqlite`)).toBe(true);
  });

  it('honours --home over PCI_MAINT_HOME', () => {
    const home = tempDir();
    homes.push(home);
    expect(run(['history', '--home', home]).code).toBe(0);
    expect(fs.existsSync(`${home}/history.sqlite`)).toBe(true);
  });

  it('exits 2 with a plain message on usage errors', () => {
    const unknown = run(['launch']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown command 'launch'");
    const badLimit = run(['history', '--limit', 'lots']);
    expect(badLimit.code).toBe(2);
    expect(badLimit.err).toContain('"lots" is not a number from 1 to 200');
    expect(badLimit.err).not.toMatch(/at .*\.(ts|mjs):\d+/); // no stack trace
    const badKind = run(['--json', 'history', '--kind', 'nope']);
    expect(badKind.code).toBe(2);
    expect(JSON.parse(badKind.out)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('serve prints a tokened URL that works, and refuses requests without the token', async () => {
    const app = await serveApp();
    try {
      expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      expect((await fetch(app.origin + '/')).status).toBe(401);
      const res = await fetch(app.origin + '/api/app.info', { method: 'POST', headers: { 'x-pci-token': app.token, 'content-type': 'application/json' }, body: '{}' });
      expect(await res.json()).toMatchObject({ ok: true, result: { mode: 'browser', dataFolder: app.home } });
    } finally {
      await app.stop();
    }
  });
});
