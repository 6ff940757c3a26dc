// Builds everything: the Node side with esbuild (main, preload, CLI), the renderer with Vite.
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * Packages that only ship CommonJS are loaded with require() instead of ESM import: Node parses every
 * CommonJS file an ESM import reaches with its cjs-module-lexer to find named exports, which cost ~0.25 s
 * per CLI start with the AWS SDK and the MongoDB driver (seen with --cpu-prof). esbuild's __require
 * shim uses the `require` the banner below defines (https://esbuild.github.io/api/#banner).
 */
function isCommonJsOnly(spec) {
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
  try {
    const pkg = JSON.parse(readFileSync(path.join('node_modules', name, 'package.json'), 'utf8'));
    return pkg.type !== 'module' && !JSON.stringify(pkg.exports ?? {}).includes('"import"');
  } catch {
    return false;
  }
}
const requireCommonJs = {
  name: 'require-commonjs',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || args.namespace === 'require-commonjs' || !isCommonJsOnly(args.path)) return undefined;
      return { path: args.path, namespace: 'require-commonjs' };
    });
    b.onResolve({ filter: /.*/, namespace: 'require-commonjs' }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'require-commonjs' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};
const requireBanner = { js: "import { createRequire as __pciCreateRequire } from 'node:module'; const require = __pciCreateRequire(import.meta.url);" };

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };
const started = Date.now();
rmSync('dist', { recursive: true, force: true });

await Promise.all([
  // Main process and CLI: ESM, dependencies stay in node_modules (native better-sqlite3 among them).
  build({ ...common, entryPoints: { main: 'electron/main/index.ts' }, outdir: 'dist/electron', format: 'esm', outExtension: { '.js': '.mjs' }, packages: 'external' }),
  // The CLI is split: each command's module (and the engine behind it) is a chunk loaded by a dynamic
  // import() when that command runs, so `pci-maint --help` starts without them (esbuild "splitting",
  // ESM only: https://esbuild.github.io/api/#splitting).
  build({ ...common, entryPoints: { index: 'electron/cli/index.ts' }, outdir: 'dist/cli', format: 'esm', outExtension: { '.js': '.mjs' }, packages: 'external', splitting: true, chunkNames: 'chunks/[name]-[hash]', plugins: [requireCommonJs], banner: requireBanner }),
  // A sandboxed preload can only require('electron'): everything else is bundled into one CommonJS file.
  build({ ...common, entryPoints: { preload: 'electron/preload/index.ts' }, outdir: 'dist/electron', format: 'cjs', outExtension: { '.js': '.cjs' }, external: ['electron'], platform: 'node' }),
]);
await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });
console.log(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
