// The native loader (DESIGN §10) with two real runtimes: the machine's Node.js loads the copy `npm ci`
// built (or its own in native/), Node.js 24 from the npm registry loads native/node-…-abi137, each runs a
// query; a runtime without a build gets a plain error with the command that fixes it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseBinding, runtimeKey, type NativeLocations, type RuntimeInfo } from '../../../electron/core/native/sqlite';
import { UserError } from '../../../shared/errors';

const root = path.resolve(__dirname, '../../..');
const NODE24 = path.join(root, '.cache', 'runtimes', 'node-24', process.platform === 'win32' ? 'node.exe' : 'bin/node');
const node24Missing = !fs.existsSync(NODE24) ? `Node.js 24 is not prepared here: run "node scripts/native.mjs --node 24" (CI does)` : null;

interface Probe {
  ok: boolean;
  modules: string;
  node?: string;
  binding?: { path: string; source: 'native' | 'default' };
  sqlite?: string;
  error?: { code: string; message: string; hint: string };
}

function probe(node: string, env: NodeJS.ProcessEnv = {}): Promise<Probe> {
  return new Promise((resolve, reject) => {
    // `node` alone is the machine's Node.js from PATH, also when these tests run under another one.
    const child = spawn(node, ['--import', 'tsx', 'test/support/native-probe.ts'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as Probe);
      } catch {
        reject(new Error(`probe under ${node} exited ${code}: ${out}${err}`));
      }
    });
  });
}

const node = (modules: string, extra: Partial<RuntimeInfo['versions']> = {}): RuntimeInfo => ({ versions: { modules, node: '24.1.0', ...extra }, platform: 'linux', arch: 'x64' });
const loc: NativeLocations = { nativeDir: '/app/native', defaultBuild: '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node', defaultAbi: '115', sourceRoot: '/app' };

describe('native loader: choosing a build', () => {
  it('prefers the runtime’s own copy, falls back to the npm ci build only when its ABI matches', () => {
    const has = (...files: string[]) => (f: string) => files.includes(f);
    expect(runtimeKey(node('137'))).toBe('node-linux-x64-abi137');
    expect(runtimeKey(node('150', { electron: '45.4.1' }))).toBe('electron-linux-x64-abi150');
    expect(chooseBinding(node('137'), loc, has('/app/native/node-linux-x64-abi137/better_sqlite3.node', loc.defaultBuild))).toMatchObject({ source: 'native', path: '/app/native/node-linux-x64-abi137/better_sqlite3.node' });
    expect(chooseBinding(node('115'), loc, has(loc.defaultBuild))).toMatchObject({ source: 'default', verified: true });
    // A prebuilt without config.gypi: the ABI is unknown, so only loading it will tell.
    expect(chooseBinding(node('137'), { ...loc, defaultAbi: null }, has(loc.defaultBuild))).toMatchObject({ source: 'default', verified: false });
  });

  it('a missing build is a plain UserError naming the exact fixing command', () => {
    const electron = node('150', { electron: '45.4.1' });
    const err = (() => {
      try {
        chooseBinding(electron, loc, (f) => f === loc.defaultBuild);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({ code: 'NOT_AVAILABLE', message: expect.stringContaining('Electron 45.4.1') });
    expect((err as UserError).hint).toBe('In a terminal, run: cd "/app" && node scripts/native.mjs --electron   then start PCI Maintenance again.');
    expect(() => chooseBinding(node('137'), loc, (f) => f === loc.defaultBuild)).toThrowError(expect.objectContaining({ hint: expect.stringContaining('node scripts/native.mjs --node 24') }));
    // In an installed app there is nothing to build: the hint says to reinstall.
    expect(() => chooseBinding(node('137'), { ...loc, sourceRoot: null }, () => false)).toThrowError(expect.objectContaining({ hint: expect.stringContaining('Install PCI Maintenance again') }));
  });
});

describe('native loader: two real runtimes', () => {
  it('the machine’s Node.js loads a build for its own ABI and runs a query', async () => {
    const p = await probe('node');
    expect(p.ok, JSON.stringify(p.error)).toBe(true);
    expect(p.sqlite).toMatch(/^3\./);
    if (p.binding!.source === 'native') expect(p.binding!.path).toContain(`-abi${p.modules}${path.sep}`);
    else expect(p.binding!.path).toContain(path.join('better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));
  });

  it.skipIf(node24Missing)(`Node.js 24 from the npm package loads its own copy in native/ ${node24Missing ? `(skipped: ${node24Missing})` : ''}`, async () => {
    const [machine, n24] = await Promise.all([probe('node'), probe(NODE24)]);
    expect(n24.node).toMatch(/^24\./);
    expect(n24.ok, JSON.stringify(n24.error)).toBe(true);
    expect(n24.binding).toEqual({ path: path.join(root, 'native', `node-${process.platform}-${process.arch}-abi${n24.modules}`, 'better_sqlite3.node'), source: 'native', verified: true });
    expect(n24.sqlite).toBe(machine.sqlite);
    // Two runtimes, two ABIs, two files: neither build is shared.
    expect(n24.modules).not.toBe(machine.modules);
    expect(n24.binding!.path).not.toBe(machine.binding!.path);
  });

  it.skipIf(node24Missing)('Node.js 24 without its copy gets the plain error, not a crash', async () => {
    const empty = fs.mkdtempSync(path.join(root, '.tmp-native-'));
    try {
      const p = await probe(NODE24, { PCI_MAINT_NATIVE_DIR: empty });
      expect(p.ok).toBe(false);
      expect(p.error).toMatchObject({ code: 'NOT_AVAILABLE', message: expect.stringContaining('Node.js 24') });
      expect(p.error!.hint).toContain('node scripts/native.mjs --node 24');
      expect(p.error!.message).not.toMatch(/NODE_MODULE_VERSION|stack|at /);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
