// Builds everything: the Node side with esbuild (main, preload, CLI), the renderer with Vite.
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { rmSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };
const started = Date.now();
rmSync('dist', { recursive: true, force: true });

await Promise.all([
  // Main process and CLI: ESM, dependencies stay in node_modules (native better-sqlite3 among them).
  build({ ...common, entryPoints: { main: 'electron/main/index.ts' }, outdir: 'dist/electron', format: 'esm', outExtension: { '.js': '.mjs' }, packages: 'external' }),
  build({ ...common, entryPoints: { index: 'electron/cli/index.ts' }, outdir: 'dist/cli', format: 'esm', outExtension: { '.js': '.mjs' }, packages: 'external' }),
  // A sandboxed preload can only require('electron'): everything else is bundled into one CommonJS file.
  build({ ...common, entryPoints: { preload: 'electron/preload/index.ts' }, outdir: 'dist/electron', format: 'cjs', outExtension: { '.js': '.cjs' }, external: ['electron'], platform: 'node' }),
]);
await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });
console.log(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
