// `npm start`: builds if needed, then opens the desktop app. Electron's binary is fetched on first
// start (npm ci does not run Electron's download script, so installs work offline); where it cannot
// be fetched, this says so and points to browser mode instead of failing with a stack trace.
// Electron's Node.js has another ABI than the machine's, so the first start also builds better-sqlite3
// for Electron into native/electron-…/ (scripts/native.mjs); node_modules keeps the CLI's build, and
// later starts find the copy and do no work.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildForElectron } from './native.mjs';

const ELECTRON_DIR = path.resolve('node_modules/electron');

/** The binary's path when Electron's download has run (it writes path.txt), else null. */
function electronBinary() {
  const pathFile = path.join(ELECTRON_DIR, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(ELECTRON_DIR, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

if (!existsSync('dist/electron/main.mjs') || !existsSync('dist/renderer/index.html')) {
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

let binary = electronBinary();
if (!binary && existsSync('node_modules/electron/install.js')) {
  console.log('Downloading the Electron desktop runtime (first start only)…');
  const res = spawnSync(process.execPath, ['node_modules/electron/install.js'], { encoding: 'utf8' });
  binary = electronBinary();
  if (!binary) {
    const reason = `${res.stderr}${res.stdout}`.split('\n').find((l) => /error/i.test(l)) ?? 'unknown reason';
    console.error(`The download failed: ${reason.trim().slice(0, 200)}`);
  }
}
if (!binary) {
  console.error(`
The desktop window cannot open: the Electron runtime is not installed on this machine
(it could not be downloaded; this machine may have no internet access).

You can use PCI Maintenance in a browser instead:

  npx pci-maint serve

then open the address it prints. To get the desktop app, run "npm start" again on a
machine with internet access, or set ELECTRON_MIRROR to a reachable mirror.`);
  process.exit(1);
}
try {
  buildForElectron({ quiet: true, say: console.log });
} catch (err) {
  console.error(`
The desktop window cannot open yet: its database module could not be prepared for the Electron
runtime (${String(err instanceof Error ? err.message : err).split('\n')[0].slice(0, 200)}).
This needs internet access once (better-sqlite3's prebuilt file, or Electron's headers to compile it).

Meanwhile you can use PCI Maintenance in a browser:

  npx pci-maint serve

or try again with "node scripts/native.mjs --electron" on a machine with internet access.`);
  process.exit(1);
}
const child = spawn(binary, ['.'], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
