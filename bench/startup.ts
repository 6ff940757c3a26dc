// Start-up cost of the built CLI (issue 13), for `npm run bench`: `pci-maint --help`, `backup --help`
// and a backup of a connection that does not exist (the fixed cost every backup pays: loading its
// modules, opening the data folder and history, looking the connection up), each against a bare
// `node -e 0`. Medians of N runs, wall clock and CPU time, each in a fresh process; needs `npm run build`.
// Run under this Node.js and, when scripts/native.mjs has fetched it, under Node.js 24 (which keeps
// a compile cache between starts, see bin/pci-maint.cjs).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CLI = path.resolve('bin/pci-maint.cjs');

export const NODE24 = path.resolve('.cache/runtimes/node-24', process.platform === 'win32' ? 'node.exe' : 'bin/node');

const CPU_REPORT = path.resolve('bench/cpu-report.cjs');

/** Wall-clock and CPU milliseconds of one run in a fresh process. */
function timed(node: string, argv: string[], env: NodeJS.ProcessEnv): Promise<{ wall: number; cpu: number }> {
  const cpuFile = path.join(env.PCI_MAINT_HOME!, `cpu-${process.hrtime.bigint()}`);
  const started = performance.now();
  const child = spawn(node, ['--require', CPU_REPORT, ...argv], { env: { ...env, PCI_BENCH_CPU_FILE: cpuFile }, stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', () => {
      const wall = performance.now() - started;
      resolve({ wall, cpu: Number(fs.readFileSync(cpuFile, 'utf8').trim()) });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export interface StartupResult {
  node: string;
  bareNodeMs: number;
  helpMs: number;
  backupHelpMs: number;
  backupFixedMs: number;
  /** CPU time (user + system) of the same runs, medians. */
  cpuMs: { bare: number; help: number; backupHelp: number; backupFixed: number };
  samples: Record<string, { wall: number; cpu: number }[]>;
}

export async function measureStartup(runs = 7, node = process.execPath): Promise<StartupResult> {
  if (!fs.existsSync(path.resolve('dist/cli/index.mjs'))) throw new Error('Run "npm run build" first: the start-up bench runs the built CLI.');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-bench-startup-'));
  const env = { ...process.env, PCI_MAINT_HOME: home };
  const cases: Record<string, string[]> = {
    bare: ['-e', '0'],
    help: [CLI, '--help'],
    backupHelp: [CLI, 'backup', '--help'],
    backupFixed: [CLI, 'backup', '--profile', 'no-such-connection'],
  };
  const samples: Record<string, { wall: number; cpu: number }[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  try {
    await timed(node, cases.backupFixed, env); // the first run creates the data folder and the history file
    for (let i = 0; i < runs; i++) for (const [k, argv] of Object.entries(cases)) samples[k].push(await timed(node, argv, env));
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
  const version = await new Promise<string>((resolve) => {
    let out = '';
    const child = spawn(node, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('close', () => resolve(out.trim()));
  });
  const wall = (k: string) => median(samples[k].map((x) => x.wall));
  const cpu = (k: string) => median(samples[k].map((x) => x.cpu));
  return {
    node: version,
    bareNodeMs: wall('bare'),
    helpMs: wall('help'),
    backupHelpMs: wall('backupHelp'),
    backupFixedMs: wall('backupFixed'),
    cpuMs: { bare: cpu('bare'), help: cpu('help'), backupHelp: cpu('backupHelp'), backupFixed: cpu('backupFixed') },
    samples,
  };
}

/** The bench table's rows: [measure, ours, reference, ratio, target]. */
export function startupRows(r: StartupResult): Array<[string, string, string, string, string]> {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const on = `Node ${r.node.replace(/^v/, '').split('.')[0]}`;
  const row = (what: string, wall: number, cpu: number, target: string): [string, string, string, string, string] => [
    `start-up (${on}): ${what}`,
    `${s(wall)} (cpu ${s(cpu)})`,
    `node -e 0 ${s(r.bareNodeMs)} (cpu ${s(r.cpuMs.bare)})`,
    '',
    target,
  ];
  return [
    row('pci-maint --help', r.helpMs, r.cpuMs.help, '< 0.3 s'),
    row('backup --help', r.backupHelpMs, r.cpuMs.backupHelp, '(info)'),
    row('fixed cost of a backup', r.backupFixedMs, r.cpuMs.backupFixed, '< 0.6 s'),
  ];
}
