// The installers' configuration (package.json "build"), checked as far as it can be without
// downloading Electron: electron-builder's own schema validation, the targets, the native modules
// unpacked from the asar (the Electron build from native/, never npm's rebuild of node_modules),
// the fuses, and the icons generated from assets/icon.svg (scripts/icons.mjs).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const build = pkg.build;

/** Width and height from a PNG's IHDR chunk (bytes 16-23). */
function pngSize(file: string): { width: number; height: number } {
  const b = fs.readFileSync(file);
  expect(b.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('electron-builder configuration', () => {
  it('passes electron-builder’s own validation', async () => {
    const require = createRequire(path.join(root, 'package.json'));
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration: (c: unknown, log: unknown) => Promise<void> };
    await expect(validateConfiguration(build, { isEnabled: false, add() {} })).resolves.toBeUndefined();
    // The validator is not blind: a misspelt option fails.
    await expect(validateConfiguration({ ...build, asarUnpak: [] }, { isEnabled: false, add() {} })).rejects.toThrow(/asarUnpak/);
  });

  it('builds AppImage and deb, NSIS and dmg', () => {
    expect(build.linux.target).toEqual(['AppImage', 'deb']);
    expect(build.win.target).toEqual(['nsis']);
    expect(build.mac.target).toEqual(['dmg']);
  });

  it('ships the Electron build of better-sqlite3 from native/, unpacked, and leaves node_modules alone', () => {
    expect(pkg.scripts.dist).toMatch(/node scripts\/native\.mjs --electron && electron-builder$/);
    expect(build.npmRebuild).toBe(false); // a rebuild would replace the Node.js build the CLI and tests use
    expect(build.files).toContain('native/electron-*/**');
    expect(build.files.some((f: string) => f.startsWith('native/node'))).toBe(false);
    expect(build.asarUnpack).toEqual(expect.arrayContaining(['native/**', '**/node_modules/better-sqlite3/**']));
  });

  it('keeps the fuses that lock a release down', () => {
    expect(build.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('has the icons each platform needs, rendered from assets/icon.svg', () => {
    expect(build.mac.icon).toBe('build/icon.png');
    expect(build.win.icon).toBe('build/icon.png');
    expect(pngSize(path.join(root, 'build/icon.png'))).toEqual({ width: 1024, height: 1024 }); // .icns and .ico are made from it
    expect(build.linux.icon).toBe('build/icons');
    for (const size of [16, 32, 48, 64, 128, 256, 512]) expect(pngSize(path.join(root, 'build/icons', `${size}x${size}.png`))).toEqual({ width: size, height: size });
  });

  it('points Electron at the main file the build writes', () => {
    expect(pkg.main).toBe('dist/electron/main.mjs');
    expect(fs.readFileSync(path.join(root, 'scripts/build.mjs'), 'utf8')).toMatch(/entryPoints: \{ main: 'electron\/main\/index\.ts' \}, outdir: 'dist\/electron', format: 'esm', outExtension: \{ '\.js': '\.mjs' \}/);
    if (fs.existsSync(path.join(root, 'dist'))) expect(fs.existsSync(path.join(root, pkg.main))).toBe(true);
  });
});
