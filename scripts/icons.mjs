// Renders assets/icon.svg into the PNG icons electron-builder takes (see package.json "build"):
// build/icon.png (1024 px; electron-builder makes the macOS .icns and the Windows .ico from it) and
// build/icons/<N>x<N>.png for Linux (AppImage, deb and the desktop file), 16 to 1024 px.
// The PNGs are committed; run again after changing the SVG:  node scripts/icons.mjs
// resvg (its WebAssembly build: nothing native to compile) renders the SVG at each size.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

const require = createRequire(import.meta.url);
const { initWasm, Resvg } = require('@resvg/resvg-wasm');
await initWasm(readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));

const svg = readFileSync(path.join(ROOT, 'assets', 'icon.svg'), 'utf8');
const render = (size) => new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();

mkdirSync(path.join(ROOT, 'build', 'icons'), { recursive: true });
writeFileSync(path.join(ROOT, 'build', 'icon.png'), render(1024));
for (const size of LINUX_SIZES) writeFileSync(path.join(ROOT, 'build', 'icons', `${size}x${size}.png`), render(size));
console.log(`wrote build/icon.png and ${LINUX_SIZES.length} sizes in build/icons/`);
