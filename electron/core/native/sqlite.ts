// The one place that opens SQLite (DESIGN §10). better-sqlite3 is a native module tied to one runtime
// ABI (NODE_MODULE_VERSION); the CLI and tests run on the machine's Node, the desktop app on Electron's.
// Each runtime gets its own build in native/<runtime>-<platform>-<arch>-abi<N>/better_sqlite3.node
// (made by scripts/native.mjs); the copy `npm ci` built in node_modules serves the runtime it was built
// for. better-sqlite3's `nativeBinding` option loads a given .node file (its docs, "new Database()").
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import { userError, type UserError } from '../../../shared/errors';
import { findAppRoot } from '../app-root';

export interface RuntimeInfo {
  versions: { modules: string; node: string; electron?: string };
  platform: string;
  arch: string;
}

export interface NativeLocations {
  /** native/ beside the app (in a packaged app: inside app.asar.unpacked). */
  nativeDir: string;
  /** node_modules/better-sqlite3/build/Release/better_sqlite3.node, as `npm ci` built it. */
  defaultBuild: string;
  /** The ABI that default build was made for (from its build/config.gypi), null when unknown. */
  defaultAbi: string | null;
  /** The app folder, for the fixing command; null in a packaged app (nothing to rebuild there). */
  sourceRoot: string | null;
}

export interface BindingChoice {
  path: string;
  /** 'native': a per-runtime build in native/; 'default': the copy in node_modules. */
  source: 'native' | 'default';
  /** False when the default build's ABI is unknown and only loading it will tell. */
  verified: boolean;
}

export function runtimeKey(rt: RuntimeInfo): string {
  return `${rt.versions.electron ? 'electron' : 'node'}-${rt.platform}-${rt.arch}-abi${rt.versions.modules}`;
}

/** The command that builds the missing copy, run in the app folder. */
export function fixCommand(rt: RuntimeInfo): string {
  return rt.versions.electron ? 'node scripts/native.mjs --electron' : `node scripts/native.mjs --node ${rt.versions.node.split('.')[0]}`;
}

export function missingBuildError(rt: RuntimeInfo, loc: NativeLocations, cause?: string): UserError {
  const runtime = rt.versions.electron ? `Electron ${rt.versions.electron}` : `Node.js ${rt.versions.node}`;
  const hint = loc.sourceRoot
    ? `In a terminal, run: cd "${loc.sourceRoot}" && ${fixCommand(rt)}   then start PCI Maintenance again.`
    : 'Install PCI Maintenance again from its download page; the installed copy is incomplete.';
  const expected = path.join(loc.nativeDir, runtimeKey(rt), 'better_sqlite3.node');
  return userError(
    'NOT_AVAILABLE',
    'A part of PCI Maintenance is missing',
    `The history database cannot open: PCI Maintenance has no SQLite module built for ${runtime} (${runtimeKey(rt)}).`,
    hint,
    `looked for ${expected}${loc.defaultAbi ? `; node_modules has a build for ABI ${loc.defaultAbi}` : ''}${cause ? `; ${cause}` : ''}`,
  );
}

/** Which build serves this runtime: its own copy in native/, else the default when it matches. Pure. */
export function chooseBinding(rt: RuntimeInfo, loc: NativeLocations, exists: (file: string) => boolean = fs.existsSync): BindingChoice {
  const own = path.join(loc.nativeDir, runtimeKey(rt), 'better_sqlite3.node');
  if (exists(own)) return { path: own, source: 'native', verified: true };
  if (exists(loc.defaultBuild)) {
    if (loc.defaultAbi === rt.versions.modules) return { path: loc.defaultBuild, source: 'default', verified: true };
    if (loc.defaultAbi === null) return { path: loc.defaultBuild, source: 'default', verified: false };
  }
  throw missingBuildError(rt, loc);
}

/** A path inside app.asar, as the unpacked copy electron-builder's asarUnpack leaves beside it. */
function unpacked(file: string): string {
  return file.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
}

function defaultLocations(): NativeLocations {
  const require = createRequire(import.meta.url);
  const pkgDir = path.dirname(require.resolve('better-sqlite3/package.json'));
  const root = findAppRoot();
  let defaultAbi: string | null = null;
  try {
    defaultAbi = /"node_module_version":\s*(\d+)/.exec(fs.readFileSync(unpacked(path.join(pkgDir, 'build', 'config.gypi')), 'utf8'))?.[1] ?? null;
  } catch {
    // a prebuilt binary has no config.gypi: loading it is the test
  }
  const packaged = /app\.asar([\\/]|$)/.test(root);
  return {
    nativeDir: unpacked(path.join(root, 'native')),
    defaultBuild: unpacked(path.join(pkgDir, 'build', 'Release', 'better_sqlite3.node')),
    defaultAbi,
    sourceRoot: packaged ? null : root,
  };
}

let chosen: BindingChoice | null = null;

/** The build this process loads, chosen once (PCI_MAINT_NATIVE_DIR overrides native/ for tests). */
export function currentBinding(): BindingChoice {
  if (!chosen) {
    const loc = defaultLocations();
    if (process.env.PCI_MAINT_NATIVE_DIR) loc.nativeDir = process.env.PCI_MAINT_NATIVE_DIR;
    chosen = chooseBinding({ versions: process.versions, platform: process.platform, arch: process.arch }, loc);
  }
  return chosen;
}

/** `new Database(file, options)` with the build for the running runtime; a wrong build is a UserError. */
export function openDatabase(file: string, options: Omit<Database.Options, 'nativeBinding'> = {}): Database.Database {
  const binding = currentBinding();
  try {
    return new Database(file, { ...options, nativeBinding: binding.path });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // Node's message for an ABI mismatch: "…was compiled against a different Node.js version using
    // NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 137."
    if (e?.code === 'ERR_DLOPEN_FAILED' || /NODE_MODULE_VERSION/.test(String(e?.message))) {
      const loc = defaultLocations();
      throw missingBuildError({ versions: process.versions, platform: process.platform, arch: process.arch }, loc, String(e.message).split('\n')[0]);
    }
    throw err;
  }
}
