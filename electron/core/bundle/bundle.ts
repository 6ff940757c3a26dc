// The support bundle: prepare (a job: collect and redact into a private folder of the data folder),
// preview (what is there, with sizes), build (a zip of what the person kept, with manifest.json and
// warnings.txt), then save it — a download in browser mode, the save dialog in the desktop app, a
// path for the CLI. Nothing leaves the data folder unredacted: the staged files are redacted already.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { BundlePreview, type BundleFile, type BundleItem } from '../../../shared/api/bundle';
import { userError } from '../../../shared/errors';
import type { Job, OperationContext } from '../../../shared/jobs';
import type { Services } from '../services';
import { zipSink } from '../export/sinks';
import { collect, type Staged } from './collect';
import { zero, type Counts } from './scrub';

const REQUIRED = ['README.txt', 'manifest.json', 'warnings.txt'];
/** Prepared and built bundles are kept this long (to download again), then removed. */
const KEEP_MS = 24 * 3_600_000;
const ID_RE = /^[0-9a-f]{16,32}$/;

interface StagedIndex {
  preview: BundlePreview;
  files: Array<{ path: string; counts: Counts }>;
}

export const stagingRoot = (engine: Services) => path.join(engine.paths.tmp, 'bundles');
export const bundlesRoot = (engine: Services) => path.join(engine.paths.home, 'bundles');

function dirOf(root: string, id: string): string {
  if (!ID_RE.test(id)) throw userError('INVALID_INPUT', 'Unknown bundle', 'This support bundle id is not valid.', 'Prepare the bundle again.');
  return path.join(root, id);
}

async function removeOld(engine: Services): Promise<void> {
  for (const root of [stagingRoot(engine), bundlesRoot(engine)]) {
    for (const name of await fsp.readdir(root).catch(() => [] as string[])) {
      const st = await fsp.stat(path.join(root, name)).catch(() => null);
      if (st && Date.now() - st.mtimeMs > KEEP_MS) await fsp.rm(path.join(root, name), { recursive: true, force: true });
    }
  }
}

function readme(preview: BundlePreview): string {
  return [
    'PCI Maintenance support bundle',
    '',
    `Made ${preview.createdAt} for whoever helps with this installation of PCI Maintenance.`,
    'It holds the app\'s logs, recent history, system information, connection settings and fresh',
    'connection tests, the latest checklist and storage check, and a summary of the backups.',
    '',
    'Secrets were removed: every password and key the app knows of by exact match, and anything that',
    'looks like one (passwords in addresses, access keys, secret keys, Authorization headers).',
    preview.includeNames ? 'File names and object keys are INCLUDED (the person who made it chose so).' : 'File names and object keys were left out ("[file name removed]").',
    '',
    'manifest.json lists every file with its size and what was removed; warnings.txt lists what could',
    'not be collected and why.',
    '',
  ].join('\n');
}

async function prepare(engine: Services, id: string, includeNames: boolean, ctx: OperationContext): Promise<BundlePreview> {
  const dir = dirOf(stagingRoot(engine), id);
  const warnings: string[] = [];
  await fsp.mkdir(path.join(dir, 'files'), { recursive: true, mode: 0o700 });
  try {
    const { files, scrubber } = await collect(engine, { includeNames }, ctx, warnings);
    const kept: Staged[] = [];
    for (const f of files) {
      // The last line of defence: a file that still holds a known secret is not shipped at all.
      if (scrubber.leftovers(f.content) > 0) {
        warnings.push(`${f.path} was left out: a secret in it could not be removed.`);
        continue;
      }
      const target = path.join(dir, 'files', ...f.path.split('/'));
      await fsp.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await fsp.writeFile(target, f.content, { mode: 0o600 });
      kept.push(f);
    }
    const total = kept.reduce((t, f) => ({ secrets: t.secrets + f.counts.secrets, patterns: t.patterns + f.counts.patterns, names: t.names + f.counts.names }), zero());
    const items: BundleItem[] = [
      ...REQUIRED.map((p) => ({ path: p, label: p === 'manifest.json' ? 'List of files and what was removed' : p === 'warnings.txt' ? 'What could not be collected' : 'What this bundle is', bytes: 0, required: true })),
      ...kept.map((f) => ({ path: f.path, label: f.label, bytes: Buffer.byteLength(f.content), required: false })),
    ];
    const preview: BundlePreview = { id, createdAt: new Date().toISOString(), includeNames, items, warnings, redaction: { secretsSearched: scrubber.secretsSearched, ...total, namesIncluded: includeNames } };
    const index: StagedIndex = { preview, files: kept.map((f) => ({ path: f.path, counts: f.counts })) };
    await fsp.writeFile(path.join(dir, 'index.json'), JSON.stringify(index), { mode: 0o600 });
    ctx.log('info', `Prepared a support bundle: ${kept.length} files, ${total.secrets + total.patterns} secrets and ${total.names} file names removed.`);
    return preview;
  } catch (err) {
    await fsp.rm(dir, { recursive: true, force: true });
    throw err;
  }
}

export function startPrepareJob(engine: Services, options: { includeNames: boolean }): Job {
  const id = randomBytes(12).toString('hex');
  return engine.jobs.start({
    kind: 'bundle',
    title: options.includeNames ? 'Prepare a support bundle (with file names)' : 'Prepare a support bundle',
    run: async (ctx) => {
      await removeOld(engine);
      return prepare(engine, id, options.includeNames, ctx);
    },
  });
}

async function readIndex(engine: Services, id: string): Promise<StagedIndex> {
  const file = path.join(dirOf(stagingRoot(engine), id), 'index.json');
  try {
    const raw = JSON.parse(await fsp.readFile(file, 'utf8')) as StagedIndex;
    return { preview: BundlePreview.parse(raw.preview), files: raw.files };
  } catch {
    throw userError('NOT_FOUND', 'Bundle not found', 'This support bundle is no longer there (bundles are kept for a day).', 'Prepare the bundle again.');
  }
}

export async function bundlePreview(engine: Services, id: string): Promise<BundlePreview> {
  return (await readIndex(engine, id)).preview;
}

export async function buildBundle(engine: Services, id: string, exclude: string[]): Promise<BundleFile> {
  const { preview, files } = await readIndex(engine, id);
  const staged = path.join(dirOf(stagingRoot(engine), id), 'files');
  const chosen = files.filter((f) => !exclude.includes(f.path));
  const stamp = preview.createdAt.slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const fileName = `pci-maintenance-support-${stamp}.zip`;
  const outDir = dirOf(bundlesRoot(engine), id);
  await fsp.rm(outDir, { recursive: true, force: true });
  await fsp.mkdir(outDir, { recursive: true, mode: 0o700 });
  const sink = await zipSink(path.join(outDir, fileName));
  try {
    const listed: Array<{ path: string; bytes: number; sha256: string; removed: Counts }> = [];
    const put = async (rel: string, data: Buffer, removed: Counts) => {
      await sink.writeFile(rel, data, { mode: 0o644, mtime: new Date(preview.createdAt) });
      listed.push({ path: rel, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex'), removed });
    };
    await put('README.txt', Buffer.from(readme(preview)), zero());
    const warnings = preview.warnings.length ? preview.warnings.map((w) => `- ${w}`).join('\n') + '\n' : 'Everything was collected.\n';
    await put('warnings.txt', Buffer.from(warnings), zero());
    for (const f of chosen) await put(f.path, await fsp.readFile(path.join(staged, ...f.path.split('/'))), f.counts);
    const manifest = {
      format: 1,
      createdAt: preview.createdAt,
      app: { name: engine.info.name, version: engine.info.version, mode: engine.info.mode },
      redaction: preview.redaction,
      // Every file in the zip except this one.
      files: listed,
      leftOut: exclude.filter((p) => files.some((f) => f.path === p)),
    };
    await sink.writeFile('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2) + '\n'), { mode: 0o644, mtime: new Date(preview.createdAt) });
    await sink.finish();
    const bytes = fs.statSync(path.join(outDir, fileName)).size;
    engine.log.scope('bundle').info(`support bundle ${id} written: ${listed.length + 1} files, ${bytes} bytes`);
    return { id, fileName, bytes, files: listed.length + 1, downloadUrl: `/api/bundle/download?id=${id}` };
  } catch (err) {
    await sink.abort();
    throw err;
  }
}

/** The finished zip of a bundle (for the download route, the save dialog and the CLI). */
export async function bundleZip(engine: Services, id: string): Promise<{ file: string; fileName: string }> {
  const dir = dirOf(bundlesRoot(engine), id);
  const name = (await fsp.readdir(dir).catch(() => [] as string[])).find((n) => n.endsWith('.zip'));
  if (!name) throw userError('NOT_FOUND', 'Bundle not found', 'This support bundle has not been saved as a zip yet, or is gone.', 'Prepare the bundle again.');
  return { file: path.join(dir, name), fileName: name };
}

/** Desktop app: ask where to save, then copy the zip there. */
export async function saveBundleAs(engine: Services, id: string): Promise<{ available: boolean; path: string | null }> {
  const { file, fileName } = await bundleZip(engine, id);
  if (!engine.dialogs?.saveFile) return { available: false, path: null };
  const target = await engine.dialogs.saveFile({ title: 'Save the support bundle', defaultPath: fileName, filters: [{ name: 'Zip archive', extensions: ['zip'] }] });
  if (!target) return { available: true, path: null };
  await fsp.copyFile(file, target);
  engine.log.scope('bundle').info(`support bundle ${id} saved by the person`);
  return { available: true, path: target };
}
