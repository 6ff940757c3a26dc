// `npx tsx bench/verify.ts [--mib N] [--runs N]`: how fast a full verification reads a backup location,
// against `sha256sum` over the very same blob files (the floor: read + hash, one core) and against
// `restic check --read-data` on a restic repository of the same data. Unencrypted location, data that
// does not compress (like the photos and PDFs of a file manager). Medians of N runs, page cache warm
// for every tool alike. JSON goes to bench/results/.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FolderStore, Repository } from '../electron/core/repository';
import { verifyBackup } from '../electron/core/verify/verify';
import type { OperationContext } from '../shared/jobs';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const MiB = 1024 * 1024;
const sizeMiB = opt('--mib', 512);
const runs = opt('--runs', 3);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-bench-verify-'));
const PASSPHRASE = 'bench passphrase';
const ctx: OperationContext = { signal: new AbortController().signal, onProgress: () => undefined, log: () => undefined };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mibps = (bytes: number, ms: number) => Math.round((bytes / MiB / (ms / 1000)) * 10) / 10;

function timed(cmd: string, argv: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  const res = spawnSync(cmd, argv, { env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * MiB });
  if (res.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed: ${res.stderr?.toString() ?? res.error}`);
  return performance.now() - started;
}

function have(cmd: string, versionArg = '--version'): boolean {
  return spawnSync(cmd, [versionArg], { stdio: 'ignore' }).status === 0;
}

/** Files of incompressible data (8 MiB each), and a backup of them made through the repository API. */
async function prepare(): Promise<{ repoDir: string; secretDir: string; dataDir: string; blobFiles: string[]; bytes: number }> {
  const dataDir = path.join(work, 'data');
  const repoDir = path.join(work, 'repo');
  const secretDir = path.join(work, 'repo-encrypted');
  for (const dir of [dataDir, repoDir, secretDir]) fs.mkdirSync(dir);
  const repos = [await Repository.init(new FolderStore(repoDir)), await Repository.init(new FolderStore(secretDir), { passphrase: PASSPHRASE })];
  const writers = repos.map((r) => r.createManifestWriter());
  const files = Math.max(1, Math.round(sizeMiB / 8));
  for (let i = 0; i < files; i++) {
    const data = randomBytes(8 * MiB);
    fs.writeFileSync(path.join(dataDir, `file-${i}.bin`), data);
    for (const [n, repo] of repos.entries()) {
      const chunks: { id: string; size: number }[] = [];
      for await (const chunk of repo.chunk([data])) {
        const r = await writers[n].putBlob(chunk);
        chunks.push({ id: r.id, size: r.size });
      }
      await writers[n].add({ kind: 'file', path: `files/data/file-${i}.bin`, mode: 0o644, mtime: new Date().toISOString(), size: data.length, chunks });
    }
  }
  for (const w of writers) await w.finish({ tags: ['manual'], profile: 'bench', appVersion: 'bench', consistency: 'best-effort' });
  const stored = new Set<string>(); // format 2: many blobs share one pack file
  for await (const b of repos[0].listBlobs()) stored.add(path.join(repoDir, ...b.path.split('/')));
  const blobFiles = [...stored];
  return { repoDir, secretDir, dataDir, blobFiles, bytes: files * 8 * MiB };
}

async function main(): Promise<void> {
  console.log(`Preparing ${sizeMiB} MiB of incompressible data in ${work} …`);
  const { repoDir, secretDir, dataDir, blobFiles, bytes } = await prepare();
  const results: Record<string, { ms: number; mibPerSecond: number } | string> = {};

  const verifyOnce = async (dir: string, passphrase?: string) => {
    const started = performance.now();
    const r = await verifyBackup({ store: new FolderStore(dir), passphrase }, { snapshot: 'latest', depth: 'full' }, ctx);
    if (!r.ok || r.checked.bytesRead !== bytes) throw new Error(`verification did not read everything: ${JSON.stringify(r.checked)}`);
    return performance.now() - started;
  };
  const measure = async (dir: string, passphrase?: string) => {
    await verifyOnce(dir, passphrase); // warm the page cache (and V8), as for every tool
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await verifyOnce(dir, passphrase));
    return median(times);
  };
  const verifyMs = await measure(repoDir);
  results['pci-maint verify --full'] = { ms: Math.round(verifyMs), mibPerSecond: mibps(bytes, verifyMs) };
  const secretMs = await measure(secretDir, PASSPHRASE);
  results['pci-maint verify --full (encrypted)'] = { ms: Math.round(secretMs), mibPerSecond: mibps(bytes, secretMs) };

  // sha256sum over the same stored blob files: read + SHA-256, nothing else (no decode, no parse).
  const sha = () => timed('sha256sum', blobFiles);
  sha();
  const shaMs = median(Array.from({ length: runs }, sha));
  results['sha256sum (same blob files)'] = { ms: Math.round(shaMs), mibPerSecond: mibps(bytes, shaMs) };

  if (have('restic', 'version')) {
    const env = { ...process.env, RESTIC_REPOSITORY: path.join(work, 'restic'), RESTIC_PASSWORD: 'bench', RESTIC_CACHE_DIR: path.join(work, 'restic-cache') };
    timed('restic', ['init'], env);
    timed('restic', ['backup', '--quiet', dataDir], env);
    const check = () => timed('restic', ['check', '--read-data'], env);
    check();
    const resticMs = median(Array.from({ length: runs }, check));
    results['restic check --read-data (encrypted, same data)'] = { ms: Math.round(resticMs), mibPerSecond: mibps(bytes, resticMs) };
  } else {
    results['restic check --read-data'] = 'skipped: restic is not installed';
  }

  const ratio = Math.round((verifyMs > 0 ? shaMs / verifyMs : 0) * 100) / 100;
  const report = { at: new Date().toISOString(), host: `${os.type()} ${os.release()} ${os.arch()}, ${os.cpus().length} CPUs, Node ${process.versions.node}`, mib: sizeMiB, runs, results, verifyVsSha256sum: ratio, target: 0.8 };
  console.table(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, typeof v === 'string' ? { note: v } : v])));
  console.log(`Full verification runs at ${ratio}× the throughput of sha256sum (target ≥ 0.8×).`);
  const out = path.join('bench', 'results', `verify-${report.at.replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`Saved ${out}`);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => fs.rmSync(work, { recursive: true, force: true }));
