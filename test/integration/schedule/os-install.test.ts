// `pci-maint schedule install|remove` for the current user on Linux, against a stand-in crontab
// (PCI_CRONTAB_CMD keeps the table in a temp file) and a systemd user unit folder (XDG_CONFIG_HOME,
// PCI_SYSTEMCTL_CMD records what would be run): our lines come and go, the user's own stay as they were.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OsPlan } from '../../../shared/api/schedule';
import { runCli } from '../../../electron/cli/program';
import { saveProfile } from '../../../electron/core/profiles/service';
import { cronLines } from '../../../electron/core/schedule/os/cron';
import { buildEntry, defaultInvocation } from '../../../electron/core/schedule/os/entry';
import { ScheduleStore } from '../../../electron/core/schedule/store';
import { tempDir, testEngine } from '../../support/engine';

const USER_TABLE = 'MAILTO=ann\n0 3 * * * /usr/local/bin/other-job\n';
const root = tempDir('pci-os-install-');
const home = path.join(root, 'home');
const crontabFile = path.join(root, 'crontab.txt');
const systemctlLog = path.join(root, 'systemctl.log');
const config = path.join(root, 'config');
const saved: Record<string, string | undefined> = {};

function script(name: string, body: string): string {
  const file = path.join(root, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

beforeAll(async () => {
  const env = {
    PCI_CRONTAB_CMD: script(
      'crontab',
      `case "$1" in
  -l) if [ -f "$PCI_TEST_CRONTAB" ]; then cat "$PCI_TEST_CRONTAB"; else echo "no crontab for tester" >&2; exit 1; fi ;;
  -) cat > "$PCI_TEST_CRONTAB" ;;
  *) exit 2 ;;
esac`,
    ),
    PCI_SYSTEMCTL_CMD: script('systemctl', 'echo "$*" >> "$PCI_TEST_SYSTEMCTL_LOG"'),
    PCI_TEST_CRONTAB: crontabFile,
    PCI_TEST_SYSTEMCTL_LOG: systemctlLog,
    XDG_CONFIG_HOME: config,
  };
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  fs.writeFileSync(crontabFile, USER_TABLE);
  const engine = testEngine({ home });
  await saveProfile(engine, { name: 'Office', sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', endpoint: 'http://127.0.0.1:9', bucket: 'pci-files', accessKeyId: 'AKIA' }], destination: { kind: 'folder', path: path.join(root, 'backups') } });
  await engine.dispose();
});

afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  fs.rmSync(root, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runCli(['--home', home, ...args], { out: (t) => (out += t + '\n'), err: (t) => (out += t + '\n'), isTTY: false });
  return { code, out };
}

const ours = (kind: 'backup' | 'verify' | 'check') => cronLines(buildEntry(kind, 'Office', new ScheduleStore(home).get('Office'), defaultInvocation(home)));
const runners = () => {
  const s = new ScheduleStore(home).get('Office');
  return [s.backup.runner, s.verify.runner, s.check.runner];
};

describe('schedule install / remove', () => {
  it('adds every switched-on schedule to the crontab after the user\'s own lines', async () => {
    const expected = `${USER_TABLE}${[...ours('backup'), ...ours('verify'), ...ours('check')].join('\n')}\n`;
    const { code, out } = await cli('schedule', 'install', '--profile', 'Office', '--method', 'cron');
    expect(code, out).toBe(0);
    expect(out).toContain('Installed into cron: backup, verify, check of "Office"');
    expect(fs.readFileSync(crontabFile, 'utf8')).toBe(expected);
    expect(runners()).toEqual(['cron', 'cron', 'cron']);
    // Installing again replaces, never duplicates.
    expect((await cli('schedule', 'install', '--profile', 'Office', '--method', 'cron')).code).toBe(0);
    expect(fs.readFileSync(crontabFile, 'utf8')).toBe(expected);
  });

  it('shows what is installed, as JSON', async () => {
    const { code, out } = await cli('--json', 'schedule', 'show', '--profile', 'Office');
    expect(code, out).toBe(0);
    const plan = JSON.parse(out) as OsPlan;
    expect(plan.methods.map((m) => [m.method, m.installed])).toEqual([
      ['cron', ['backup', 'verify', 'check']],
      ['systemd', []],
    ]);
    expect(plan.methods[0].files[0].text).toBe(`${[...ours('backup'), ...ours('verify'), ...ours('check')].join('\n')}\n`);
  });

  it('removes one kind, then the rest, leaving the crontab exactly as it was', async () => {
    expect((await cli('schedule', 'remove', '--profile', 'Office', '--kind', 'verify', '--method', 'cron')).code).toBe(0);
    expect(fs.readFileSync(crontabFile, 'utf8')).toBe(`${USER_TABLE}${[...ours('backup'), ...ours('check')].join('\n')}\n`);
    expect(runners()).toEqual(['cron', 'app', 'cron']);
    expect((await cli('schedule', 'remove', '--profile', 'Office', '--method', 'cron')).code).toBe(0);
    expect(fs.readFileSync(crontabFile, 'utf8')).toBe(USER_TABLE);
    expect(runners()).toEqual(['app', 'app', 'app']);
  });

  it('writes systemd user units, enables the timer, and takes them away again', async () => {
    const entry = buildEntry('backup', 'Office', new ScheduleStore(home).get('Office'), defaultInvocation(home));
    const unitDir = path.join(config, 'systemd', 'user');
    expect((await cli('schedule', 'install', '--profile', 'Office', '--kind', 'backup', '--method', 'systemd')).code).toBe(0);
    expect(fs.readdirSync(unitDir).sort()).toEqual([`pci-maint-${entry.id}.service`, `pci-maint-${entry.id}.timer`]);
    expect(fs.readFileSync(path.join(unitDir, `pci-maint-${entry.id}.timer`), 'utf8')).toContain('OnCalendar=*-*-* 02:00:00\nPersistent=true\n');
    expect(runners()).toEqual(['systemd', 'app', 'app']);
    expect((await cli('schedule', 'remove', '--profile', 'Office', '--kind', 'backup', '--method', 'systemd')).code).toBe(0);
    expect(fs.readdirSync(unitDir)).toEqual([]);
    expect(fs.readFileSync(systemctlLog, 'utf8').trim().split('\n')).toEqual([
      '--user daemon-reload',
      `--user enable --now pci-maint-${entry.id}.timer`,
      `--user disable --now pci-maint-${entry.id}.timer`,
      '--user daemon-reload',
    ]);
    expect(fs.readFileSync(crontabFile, 'utf8')).toBe(USER_TABLE);
  });

  it('says which methods exist when given one this computer does not have', async () => {
    const { code, out } = await cli('schedule', 'install', '--profile', 'Office', '--method', 'schtasks');
    expect(code).toBe(2);
    expect(out).toContain('Use one of: cron, systemd.');
  });
});
