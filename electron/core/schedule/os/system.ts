// Installing and removing entries in the system scheduler of the current user — no admin rights:
// the user's crontab, systemd user units, a schtasks task, a LaunchAgent. The commands and folders
// come from the environment so tests (and unusual systems) can point them elsewhere:
// PCI_CRONTAB_CMD, PCI_SYSTEMCTL_CMD, PCI_LAUNCHCTL_CMD, XDG_CONFIG_HOME.
import { spawn } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { OsMethod } from '../../../../shared/api/schedule';
import { userError } from '../../../../shared/errors';
import { writeFileAtomic } from '../../profiles/atomic';
import { cronLines, hasCronEntry, mergeCrontab } from './cron';
import type { Entry } from './entry';
import { launchdLabel, plist, plistPath } from './launchd';
import { cmdScript, createArgs, deleteArgs, needsScript, scriptPath, taskName } from './schtasks';
import { serviceUnit, timerUnit, unitNames } from './systemd';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface OsSystem {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  homedir: string;
  uid: number;
  run(command: string, args: string[], input?: string): Promise<RunResult>;
}

export function runCommand(command: string, args: string[], input?: string, env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], windowsHide: true, env });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => resolve({ code: 127, stdout, stderr: stderr + err.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // a command that exits without reading: its exit code tells
      child.stdin.end(input);
    }
  });
}

export function currentSystem(env: NodeJS.ProcessEnv = process.env): OsSystem {
  return { platform: process.platform, env, homedir: os.homedir(), uid: process.getuid?.() ?? 0, run: (command, args, input) => runCommand(command, args, input, env) };
}

/** The methods this computer offers, preferred first. */
export function methodsFor(platform: NodeJS.Platform): OsMethod[] {
  if (platform === 'win32') return ['schtasks'];
  if (platform === 'darwin') return ['launchd', 'cron'];
  return ['cron', 'systemd'];
}

export function systemdDir(sys: Pick<OsSystem, 'env' | 'homedir'>): string {
  return path.join(sys.env.XDG_CONFIG_HOME || path.join(sys.homedir, '.config'), 'systemd', 'user');
}

const crontabCmd = (sys: OsSystem) => sys.env.PCI_CRONTAB_CMD || 'crontab';
const systemctlCmd = (sys: OsSystem) => sys.env.PCI_SYSTEMCTL_CMD || 'systemctl';
const launchctlCmd = (sys: OsSystem) => sys.env.PCI_LAUNCHCTL_CMD || 'launchctl';

function failed(what: string, r: RunResult, hint: string): Error {
  return userError('NOT_AVAILABLE', 'System scheduler refused', `${what} did not work.`, hint, (r.stderr || r.stdout).trim().slice(0, 2000));
}

async function must(sys: OsSystem, what: string, command: string, args: string[], hint: string, input?: string): Promise<RunResult> {
  const r = await sys.run(command, args, input);
  if (r.code !== 0) throw failed(what, r, hint);
  return r;
}

async function readCrontab(sys: OsSystem): Promise<string> {
  const r = await sys.run(crontabCmd(sys), ['-l']);
  if (r.code === 0) return r.stdout;
  if (/no crontab/i.test(r.stderr)) return '';
  throw failed('Reading your crontab', r, 'Check that cron is installed ("crontab -l" in a terminal), or use another method.');
}

async function writeCrontab(sys: OsSystem, text: string): Promise<void> {
  await must(sys, 'Saving your crontab', crontabCmd(sys), ['-'], 'Check that cron is installed and that you may use it (cron.allow).', text);
}

export async function installEntry(sys: OsSystem, method: OsMethod, e: Entry): Promise<void> {
  switch (method) {
    case 'cron':
      return writeCrontab(sys, mergeCrontab(await readCrontab(sys), e.id, cronLines(e)));
    case 'systemd': {
      const dir = systemdDir(sys);
      const names = unitNames(e.id);
      await writeFileAtomic(path.join(dir, names.service), serviceUnit(e), 0o644);
      await writeFileAtomic(path.join(dir, names.timer), timerUnit(e), 0o644);
      const hint = 'systemd user services may not be available here (e.g. in a container): use cron instead.';
      await must(sys, 'Reloading systemd', systemctlCmd(sys), ['--user', 'daemon-reload'], hint);
      await must(sys, 'Starting the timer', systemctlCmd(sys), ['--user', 'enable', '--now', names.timer], hint);
      return;
    }
    case 'schtasks':
      if (needsScript(e)) await writeFileAtomic(scriptPath(e), cmdScript(e), 0o600);
      await must(sys, 'Creating the task', 'schtasks', createArgs(e), 'Open Task Scheduler to check, or run the command shown in a command prompt.');
      return;
    case 'launchd': {
      const file = plistPath(sys.homedir, e.id);
      await writeFileAtomic(file, plist(e), 0o644);
      await sys.run(launchctlCmd(sys), ['bootout', `gui/${sys.uid}/${launchdLabel(e.id)}`]); // replace an older one
      await must(sys, 'Loading the agent', launchctlCmd(sys), ['bootstrap', `gui/${sys.uid}`, file], 'Run the launchctl command shown in Terminal to see why.');
      return;
    }
  }
}

export async function removeEntry(sys: OsSystem, method: OsMethod, e: Pick<Entry, 'id' | 'home'>): Promise<void> {
  const id = e.id;
  switch (method) {
    case 'cron': {
      const current = await readCrontab(sys);
      if (hasCronEntry(current, id)) await writeCrontab(sys, mergeCrontab(current, id, null));
      return;
    }
    case 'systemd': {
      const names = unitNames(id);
      const dir = systemdDir(sys);
      await sys.run(systemctlCmd(sys), ['--user', 'disable', '--now', names.timer]); // fine when it was never enabled
      await fsp.rm(path.join(dir, names.timer), { force: true });
      await fsp.rm(path.join(dir, names.service), { force: true });
      await sys.run(systemctlCmd(sys), ['--user', 'daemon-reload']);
      return;
    }
    case 'schtasks': {
      const r = await sys.run('schtasks', deleteArgs(id));
      if (r.code !== 0 && !/cannot find|does not exist/i.test(r.stderr)) throw failed('Deleting the task', r, 'Open Task Scheduler and delete it there.');
      await fsp.rm(scriptPath(e), { force: true });
      return;
    }
    case 'launchd':
      await sys.run(launchctlCmd(sys), ['bootout', `gui/${sys.uid}/${launchdLabel(id)}`]);
      await fsp.rm(plistPath(sys.homedir, id), { force: true });
      return;
  }
}

/** Whether the entry is installed now (false when the method cannot be asked on this computer). */
export async function isInstalled(sys: OsSystem, method: OsMethod, id: string): Promise<boolean> {
  switch (method) {
    case 'cron': {
      const r = await sys.run(crontabCmd(sys), ['-l']);
      return r.code === 0 && hasCronEntry(r.stdout, id);
    }
    case 'systemd':
      return exists(path.join(systemdDir(sys), unitNames(id).timer));
    case 'schtasks':
      return sys.platform === 'win32' && (await sys.run('schtasks', ['/Query', '/TN', taskName(id)])).code === 0;
    case 'launchd':
      return exists(plistPath(sys.homedir, id));
  }
}

async function exists(file: string): Promise<boolean> {
  return fsp.access(file).then(
    () => true,
    () => false,
  );
}
