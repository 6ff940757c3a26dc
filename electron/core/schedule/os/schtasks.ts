// Windows Task Scheduler: one task per entry in a "PCI Maintenance" folder, created for the current
// user with schtasks (no admin rights needed). schtasks takes at most 261 characters of command, so
// two commands (backup, then prune) or a long one go into a small .cmd file in the data folder.
import path from 'node:path';
import { WEEKDAYS } from '../times';
import { KIND_WORDS, winQuote, type Entry } from './entry';

/** schtasks refuses a task command longer than this. */
export const SCHTASKS_TR_MAX = 261;

export function taskName(id: string): string {
  return `PCI Maintenance\\${id}`;
}

export function scriptPath(e: Pick<Entry, 'home' | 'id'>): string {
  return path.win32.join(e.home, 'scheduler', `${e.id}.cmd`);
}

function commandLine(argv: string[]): string {
  return argv.map(winQuote).join(' ');
}

export function needsScript(e: Entry): boolean {
  return e.argvs.length > 1 || commandLine(e.argvs[0]).length > SCHTASKS_TR_MAX;
}

/** The .cmd file: each command stops the rest when it fails, like && in the other schedulers. */
export function cmdScript(e: Entry): string {
  const lines = e.argvs.map((argv, i) => `${commandLine(argv).replace(/%/g, '%%')}${i < e.argvs.length - 1 ? ' || exit /b 1' : ''}`);
  return ['@echo off', `rem PCI Maintenance: ${KIND_WORDS[e.kind]} of "${e.profile}"`, ...lines, ''].join('\r\n');
}

export function taskCommand(e: Entry): string {
  return needsScript(e) ? winQuote(scriptPath(e)) : commandLine(e.argvs[0]);
}

export function createArgs(e: Entry): string[] {
  const t = e.timing;
  const when =
    t.frequency === 'weekly' ? ['/SC', 'WEEKLY', '/D', WEEKDAYS[t.weekday].slice(0, 3).toUpperCase()] : t.frequency === 'monthly' ? ['/SC', 'MONTHLY', '/D', String(t.monthDay)] : ['/SC', 'DAILY'];
  return ['/Create', '/F', '/TN', taskName(e.id), ...when, '/ST', t.time, '/TR', taskCommand(e)];
}

export function deleteArgs(id: string): string[] {
  return ['/Delete', '/F', '/TN', taskName(id)];
}

/** The command as a person would type it in a command prompt. */
export function schtasksCommand(args: string[]): string {
  return ['schtasks', ...args.map(winQuote)].join(' ');
}
