// Runs the built CLI: `pci-maint serve` with a fresh temporary data folder (its URL), and one-off commands.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { TEST_PAUSE_ENV, TEST_PAUSE_MARKER } from '../../electron/core/backup/test-hooks';

export interface ServedApp {
  url: string;
  origin: string;
  token: string;
  home: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export const CLI = path.resolve('bin/pci-maint.cjs');

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

/** Run the built CLI as a child process; asynchronously, because the test servers live in the test's own process. */
export function runCli(home: string, env: NodeJS.ProcessEnv, args: string[]): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, '--home', home, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}

/**
 * Start a CLI command that pauses at a test hook point (PCI_MAINT_TEST_PAUSE_AT, see
 * backup/test-hooks.ts), wait until it is there, then kill -9 it: a real crash at an exact moment.
 * Resolves false when the command ended without reaching the point.
 */
export async function killCliAt(home: string, env: NodeJS.ProcessEnv, args: string[], point: string): Promise<boolean> {
  const child = spawn(process.execPath, [CLI, '--home', home, ...args], { env: { ...env, [TEST_PAUSE_ENV]: point }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const paused = await new Promise<boolean>((resolve) => {
    readline.createInterface({ input: child.stderr }).on('line', (line) => line.startsWith(TEST_PAUSE_MARKER) && resolve(true));
    void exited.then(() => resolve(false));
  });
  if (paused) child.kill('SIGKILL');
  await exited;
  return paused;
}

export async function serveApp(options: { home?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ServedApp> {
  const home = options.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pci-e2e-'));
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--json', '--home', home], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`pci-maint serve exited with ${code}: ${stderr}`)));
  });
  const { url } = JSON.parse(line) as { url: string };
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    home,
    process: child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!options.home) fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
