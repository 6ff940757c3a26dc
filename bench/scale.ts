// `npm run bench -- --scale N`: backup, incremental (1 % of the objects changed), restore preview and
// full verification of a synthetic bucket of N objects (test/support/s3/synthetic.ts: keys and bytes
// generated from a seed, nothing stored), each in its own process (bench/child.ts, the same core the
// CLI runs): wall time, time per object, peak RSS (the process's VmHWM, from getrusage) and the R2
// operations counted at the server, priced at R2's list prices.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { r2Price, type ClassCounts } from '../test/support/s3/stats';
import { startHelper } from './helper-process';

export interface ScaleRow {
  step: string;
  ms: number;
  maxRssKB: number;
  ops: ClassCounts | undefined;
  [k: string]: unknown;
}

const BUCKET = 'synthetic';

async function startSynthetic(objects: number): Promise<{ info: { endpoint: string; accessKeyId: string; secretAccessKey: string }; ask(c: string): Promise<string>; kill(): void }> {
  const proc = await startHelper('test/support/s3/synthetic.ts', ['--objects', String(objects), '--bucket', BUCKET]);
  return { info: JSON.parse(proc.line) as { endpoint: string; accessKeyId: string; secretAccessKey: string }, ask: proc.ask, kill: proc.kill };
}

function child(cfg: object): Promise<Record<string, unknown> & { ms: number; maxRssKB: number }> {
  const p = spawn(process.execPath, ['--import', 'tsx', 'bench/child.ts', JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  let out = '';
  let err = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => p.once('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as never) : reject(new Error(`bench child failed (${code}): ${err.slice(-2000)}`)))));
}

export async function runScale(objects: number): Promise<ScaleRow[]> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-bench-scale-'));
  const server = await startSynthetic(objects);
  const s3 = { ...server.info, bucket: BUCKET };
  const repo = path.join(work, 'repo');
  fs.mkdirSync(repo);
  const rows: ScaleRow[] = [];
  const step = async (name: string, cfg: object): Promise<void> => {
    await server.ask('reset');
    const r = await child(cfg);
    const ops = (JSON.parse(await server.ask('stats')) as Record<string, ClassCounts>)[BUCKET];
    rows.push({ step: name, ...r, ops });
    console.log(`${name} of ${objects} objects: ${(r.ms / 1000).toFixed(1)} s, ${(r.maxRssKB / 1024).toFixed(0)} MiB peak, R2 ops A ${ops?.A ?? 0} / B ${ops?.B ?? 0}`);
  };
  try {
    await step('backup', { mode: 'backup', repo, s3 });
    await step('incremental, nothing changed', { mode: 'backup', repo, s3 });
    await server.ask('change 100');
    await step('incremental, 1 % changed', { mode: 'backup', repo, s3 });
    await step('restore preview', { mode: 'preview', repo, s3 });
    await step('full verify', { mode: 'verify', repo });
  } finally {
    server.kill();
    fs.rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

export function scaleTable(objects: number, rows: ScaleRow[]): Array<[string, string, string, string, string]> {
  return rows.map((r) => [
    `${r.step}, ${objects.toLocaleString('en')} objects`,
    `${(r.ms / 1000).toFixed(1)} s, ${((r.ms * 1000) / objects).toFixed(0)} µs/object`,
    `${Math.round(r.maxRssKB / 1024)} MiB peak RSS`,
    `A ${r.ops?.A ?? 0} / B ${r.ops?.B ?? 0} ($${r2Price({ A: r.ops?.A ?? 0, B: r.ops?.B ?? 0 }).toFixed(4)})`,
    r.maxRssKB < 300 * 1024 ? '< 300 MiB (met)' : '< 300 MiB (missed)',
  ]);
}
