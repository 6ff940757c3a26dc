// One system-scheduler entry: which command runs when, for which connection. The command is the same
// `pci-maint` the README documents, run by an absolute node and script path with `--home`, so runs
// started by cron land in the same history as the app's own.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ProfileSchedules, ScheduleKind, Timing } from '../../../../shared/api/schedule';
import { findAppRoot } from '../../app-root';

export interface Invocation {
  /** Absolute path of node. */
  node: string;
  /** Absolute path of bin/pci-maint.cjs. */
  bin: string;
  /** The data folder (passed as --home). */
  home: string;
}

export interface Entry {
  /** Stable and unique per data folder, connection and kind: "backup-office-1a2b3c4d". */
  id: string;
  kind: ScheduleKind;
  profile: string;
  timing: Timing;
  /** The data folder (where a Windows task keeps its .cmd file). */
  home: string;
  /** Commands run one after the other, each stopping the rest when it fails (backup, then prune). */
  argvs: string[][];
}

/**
 * node and the script. Inside the desktop app, process.execPath is Electron itself, which cannot run
 * the CLI, so the node on PATH is named instead (PCI_NODE_PATH overrides both).
 */
export function defaultInvocation(home: string, env: NodeJS.ProcessEnv = process.env): Invocation {
  const node = env.PCI_NODE_PATH || (process.versions.electron ? 'node' : process.execPath);
  let root: string;
  try {
    root = findAppRoot();
  } catch {
    root = process.cwd(); // an unusual install must not stop the app from starting; the panel shows the path
  }
  return { node, bin: path.join(root, 'bin', 'pci-maint.cjs'), home };
}

export function entryId(kind: ScheduleKind, profile: string, home: string): string {
  const slug = profile.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 30) || 'profile';
  const hash = createHash('sha256').update(`${home}\0${profile}`).digest('hex').slice(0, 8);
  return `${kind}-${slug}-${hash}`;
}

/** The pci-maint arguments of each command a kind runs (after node, the script and --home). */
export function kindArgs(kind: ScheduleKind, profile: string, schedules: ProfileSchedules): string[][] {
  if (kind === 'backup') {
    const backup = ['backup', '--profile', profile, '--tag', 'scheduled'];
    return schedules.backup.pruneAfter ? [backup, ['prune', '--profile', profile]] : [backup];
  }
  if (kind === 'verify') {
    const v = schedules.verify;
    return [['verify', '--profile', profile, '--snapshot', 'all', ...(v.depth === 'full' ? ['--full'] : ['--sample', String(v.samplePercent)]), ...(v.testRestore ? ['--test-restore'] : [])]];
  }
  return [['check', '--profile', profile]];
}

export function buildEntry(kind: ScheduleKind, profile: string, schedules: ProfileSchedules, inv: Invocation): Entry {
  return {
    id: entryId(kind, profile, inv.home),
    kind,
    profile,
    timing: schedules[kind],
    home: inv.home,
    argvs: kindArgs(kind, profile, schedules).map((args) => [inv.node, inv.bin, '--home', inv.home, ...args]),
  };
}

export const KIND_WORDS: Record<ScheduleKind, string> = { backup: 'backup', verify: 'verification', check: 'storage check' };

/** POSIX shell quoting: bare when safe, else single quotes. */
export function shQuote(s: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Windows command-line quoting (the rules of CommandLineToArgvW / the C runtime). */
export function winQuote(s: string): string {
  if (s !== '' && !/[\s"]/.test(s)) return s;
  return `"${s.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}
