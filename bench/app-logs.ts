// `npm run bench -- --app-logs`: the rotation of an app's log file. Wall time of one rotation of a
// large log, ours in place and by copy + truncate against `gzip -c` + `truncate` (what logrotate's
// copytruncate does); and the lines lost while a writer appends as fast as it can, over five
// rotations each way (in place must lose none). On the machine's temp folder (ext4 on Linux).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { archivesOf, rotateAppLogs } from '../electron/core/maintenance/app-log-rotation';

export type Row = [string, string, string, string, string];

const WRITER = `
const fs = require('fs');
const fd = fs.openSync(process.argv[1], 'a');
let n = 0, stop = false;
process.on('SIGTERM', () => { stop = true; });
(function burst() {
  for (let i = 0; i < 200; i++) { n++; fs.writeSync(fd, 'line ' + n + '\\n'); }
  if (stop) { fs.closeSync(fd); process.stdout.write(String(n)); process.exit(0); }
  setImmediate(burst);
})();
`;

function bigLog(file: string, bytes: number): number {
  const block = Array.from({ length: 50_000 }, (_, i) => `2026-12-04T01:00:00.000Z INFO GET /gallery/${i} 200 ${i % 997} ms\n`).join('');
  const fd = fs.openSync(file, 'w');
  let n = 0;
  while (n < bytes) n += fs.writeSync(fd, block);
  fs.closeSync(fd);
  return n;
}

async function timed(run: () => Promise<unknown> | unknown): Promise<number> {
  const t = performance.now();
  await run();
  return performance.now() - t;
}

/** Lines lost over five rotations while a writer appends as fast as it can. */
async function lostLines(dir: string, method: 'auto' | 'copy-truncate'): Promise<{ lost: number; written: number }> {
  const live = path.join(dir, `race-${method}.log`);
  const archive = path.join(dir, `race-${method}`);
  fs.mkdirSync(archive);
  const child = spawn(process.execPath, ['-e', WRITER, live], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let i = 0; i < 5; i++) {
    const start = fs.existsSync(live) ? fs.statSync(live).size : 0;
    while (!fs.existsSync(live) || fs.statSync(live).size < start + 256 * 1024) await new Promise((r) => setImmediate(r));
    await rotateAppLogs({ paths: [live], archiveFolder: archive }, { method });
  }
  child.kill('SIGTERM');
  await exited;
  const written = Number(out);
  const text = (await archivesOf(archive, path.basename(live, '.log'))).map((a) => gunzipSync(fs.readFileSync(a.file)).toString()).join('') + fs.readFileSync(live, 'utf8');
  return { lost: written - new Set(text.split('\n').filter(Boolean)).size, written };
}

export async function measureAppLogs(work: string, quick: boolean): Promise<{ rows: Row[]; data: object }> {
  const dir = fs.mkdtempSync(path.join(work, 'app-logs-'));
  const size = quick ? 50e6 : 200e6;
  const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
  const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const results: Record<string, number> = {};
  for (const method of ['auto', 'copy-truncate'] as const) {
    const file = path.join(dir, `big-${method}.log`);
    const bytes = bigLog(file, size);
    fs.mkdirSync(path.join(dir, method));
    results[method] = await timed(() => rotateAppLogs({ paths: [file], archiveFolder: path.join(dir, method) }, { method }));
    results.bytes = bytes;
  }
  const ref = path.join(dir, 'big-ref.log');
  bigLog(ref, size);
  results.reference = await timed(() => {
    spawnSync('sh', ['-c', `gzip -c "${ref}" > "${ref}.1.gz" && truncate -s 0 "${ref}"`]);
  });
  const inPlace = await lostLines(dir, 'auto');
  const copied = await lostLines(dir, 'copy-truncate');
  fs.rmSync(dir, { recursive: true, force: true });
  const rows: Row[] = [
    [`rotate a ${mb(results.bytes)} log, in place`, secs(results.auto), secs(results.reference), (results.auto / results.reference).toFixed(2), 'gzip-bound'],
    [`rotate a ${mb(results.bytes)} log, copy + truncate`, secs(results['copy-truncate']), secs(results.reference), (results['copy-truncate'] / results.reference).toFixed(2), 'gzip-bound'],
    ['lines lost, 5 rotations, fast writer', `${inPlace.lost} of ${inPlace.written} (in place)`, `${copied.lost} of ${copied.written} (copy + truncate)`, '', '0 in place'],
  ];
  return { rows, data: { results, inPlace, copied } };
}
