// `npm test`: build, typecheck, lint, unit + integration tests (vitest), then end-to-end tests
// (Playwright in Chromium against browser mode). Stops at the first failing stage.
import { spawnSync } from 'node:child_process';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const stages = [
  ['build', process.execPath, ['scripts/build.mjs']],
  ['typecheck', npx, ['tsc', '-p', 'tsconfig.node.json', '--noEmit']],
  ['typecheck (web)', npx, ['tsc', '-p', 'tsconfig.web.json', '--noEmit']],
  ['lint', npx, ['eslint', '.']],
  ['unit + integration tests', npx, ['vitest', 'run']],
  ['end-to-end tests', npx, ['playwright', 'test']],
];

const started = Date.now();
for (const [name, cmd, args] of stages) {
  const t = Date.now();
  console.log(`\n=== ${name} ===`);
  const res = spawnSync(cmd, args, { stdio: 'inherit' });
  if (res.status !== 0) {
    console.error(`\n${name} failed (exit ${res.status ?? res.signal}).`);
    process.exit(res.status || 1);
  }
  console.log(`--- ${name} passed in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
console.log(`\nAll stages passed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
