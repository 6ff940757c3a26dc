// "Run without the app": the exact entries for this computer's system schedulers, and installing or
// removing them. While a kind is installed, the app leaves it to the system (its runner is the
// method), so one backup never runs twice.
import path from 'node:path';
import { SCHEDULE_KINDS, type OsMethod, type OsMethodPlan, type OsPlan, type ProfileSchedules, type ScheduleKind } from '../../../../shared/api/schedule';
import type { ScheduleStore } from '../store';
import { cronLines } from './cron';
import { buildEntry, shQuote, winQuote, type Entry, type Invocation } from './entry';
import { plist, plistPath } from './launchd';
import { cmdScript, createArgs, needsScript, schtasksCommand, scriptPath } from './schtasks';
import { installEntry, isInstalled, methodsFor, removeEntry, systemdDir, type OsSystem } from './system';
import { serviceUnit, timerUnit, unitNames } from './systemd';

export interface PlanDeps {
  store: ScheduleStore;
  sys: OsSystem;
  invocation: Invocation;
  /** 'safeStorage' when the desktop app keeps the passwords in the keychain, which cron runs cannot read. */
  secretStoreKind: 'safeStorage' | 'credentialsFile';
}

const LABELS: Record<OsMethod, string> = { cron: 'cron', systemd: 'systemd timer', schtasks: 'Task Scheduler', launchd: 'launchd' };

function kindsOf(schedules: ProfileSchedules, kind: ScheduleKind | undefined, includeOff: boolean): ScheduleKind[] {
  if (kind) return [kind];
  return SCHEDULE_KINDS.filter((k) => includeOff || schedules[k].enabled);
}

function methodText(method: OsMethod, entries: Entry[], sys: OsSystem): Pick<OsMethodPlan, 'files' | 'commands' | 'note'> {
  switch (method) {
    case 'cron':
      return {
        files: [{ path: 'Your crontab (crontab -e)', text: entries.flatMap(cronLines).join('\n') + '\n' }],
        commands: ['crontab -e'],
        note: 'Add these lines with "crontab -e" (or press Install). Times are this computer\'s local time.',
      };
    case 'systemd': {
      const dir = systemdDir(sys);
      return {
        files: entries.flatMap((e) => [
          { path: path.join(dir, unitNames(e.id).service), text: serviceUnit(e) },
          { path: path.join(dir, unitNames(e.id).timer), text: timerUnit(e) },
        ]),
        commands: ['systemctl --user daemon-reload', ...entries.map((e) => `systemctl --user enable --now ${unitNames(e.id).timer}`)],
        note: 'To run while nobody is logged in, also run "loginctl enable-linger $USER" once. A run missed while the computer was off happens at the next start.',
      };
    }
    case 'schtasks':
      return {
        files: entries.filter(needsScript).map((e) => ({ path: scriptPath(e), text: cmdScript(e) })),
        commands: entries.map((e) => schtasksCommand(createArgs(e))),
        note: 'Run these in a command prompt (or press Install); a task with two steps runs the .cmd file shown. The task runs while you are logged on.',
      };
    case 'launchd':
      return {
        files: entries.map((e) => ({ path: plistPath(sys.homedir, e.id), text: plist(e) })),
        commands: entries.map((e) => `launchctl bootstrap gui/${sys.uid} ${shQuote(plistPath(sys.homedir, e.id))}`),
        note: 'A run missed while the Mac was asleep happens when it wakes up.',
      };
  }
}

export async function osPlan(deps: PlanDeps, profile: string, kind?: ScheduleKind): Promise<OsPlan> {
  const schedules = deps.store.get(profile);
  const all = kindsOf(schedules, kind, true).map((k) => buildEntry(k, profile, schedules, deps.invocation));
  const shown = all.filter((e) => kind || schedules[e.kind].enabled);
  const methods: OsMethodPlan[] = [];
  for (const method of methodsFor(deps.sys.platform)) {
    const installed: ScheduleKind[] = [];
    for (const e of all) if (await isInstalled(deps.sys, method, e.id)) installed.push(e.kind);
    methods.push({ method, label: LABELS[method], canInstall: shown.length > 0, installed, ...methodText(method, shown, deps.sys) });
  }
  const inv = deps.invocation;
  const quote = deps.sys.platform === 'win32' ? winQuote : shQuote;
  const notes = [
    'While a schedule is installed here, PCI Maintenance leaves that run to the system scheduler, so it never runs twice.',
    deps.secretStoreKind === 'safeStorage'
      ? `Runs started by the system scheduler cannot read the passwords the desktop app keeps in the system keychain. Save them for the command line once: set them as environment variables and run "pci-maint --home ${quote(inv.home)} profile set ${quote(profile)} --save-secrets".`
      : 'The passwords come from credentials.json in the data folder or from environment variables, as for any pci-maint command.',
  ];
  if (!path.isAbsolute(inv.node)) notes.push(`"${inv.node}" is not an absolute path: replace it with the full path of Node.js 20 or newer (e.g. the output of "which node").`);
  if (shown.length === 0) notes.push('No schedule of this connection is switched on: switch one on first.');
  return { profile, kinds: shown.map((e) => e.kind), command: [inv.node, inv.bin, '--home', inv.home].map(quote).join(' '), methods, notes };
}

export async function osInstall(deps: PlanDeps, profile: string, kind: ScheduleKind | undefined, method: OsMethod): Promise<OsPlan> {
  const schedules = deps.store.get(profile);
  for (const k of kindsOf(schedules, kind, false)) {
    await installEntry(deps.sys, method, buildEntry(k, profile, schedules, deps.invocation));
    await deps.store.setRunner(profile, k, method);
  }
  return osPlan(deps, profile, kind);
}

export async function osRemove(deps: PlanDeps, profile: string, kind: ScheduleKind | undefined, method: OsMethod): Promise<OsPlan> {
  const schedules = deps.store.get(profile);
  for (const k of kindsOf(schedules, kind, true)) {
    await removeEntry(deps.sys, method, buildEntry(k, profile, schedules, deps.invocation));
    if (schedules[k].runner === method) await deps.store.setRunner(profile, k, 'app');
  }
  return osPlan(deps, profile, kind);
}

/** After a schedule changed, rewrite the system entries that run it, so they follow the new time. */
export async function reinstallChanged(deps: PlanDeps, profile: string, before: ProfileSchedules, after: ProfileSchedules): Promise<void> {
  for (const k of SCHEDULE_KINDS) {
    const runner = after[k].runner;
    if (runner === 'app' || JSON.stringify(before[k]) === JSON.stringify(after[k])) continue;
    const entry = buildEntry(k, profile, after, deps.invocation);
    if (after[k].enabled) await installEntry(deps.sys, runner, entry);
    else {
      await removeEntry(deps.sys, runner, entry);
      await deps.store.setRunner(profile, k, 'app');
    }
  }
}
