// Export a restore point to standard formats: a folder (or one zip) with the database as mongodump
// writes it (`dump/<db>/<coll>.bson` + `.metadata.json`, restorable with `mongorestore --dir dump`),
// the bucket's objects as files under `r2/<bucket>/…`, the configuration folders under `files/…`,
// and `export-manifest.ndjson`: every entry's logical path, the file it was written to, and its
// metadata (content type, user metadata, ETag, mode, …). Names are untrusted: see safe-names.ts.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ExportResult } from '../../../shared/api/export';
import type { OperationContext } from '../../../shared/jobs';
import type { ManifestEntry, Repository, SnapshotHeader } from '../repository';
import { pickTargets, type VerifyOptions } from '../verify/verify';
import { isTempCollection } from '../restore/cleanup';
import { formatBytes } from '../../../shared/format';
import { PartialTracker, removeSiblingPartials } from './partials';
import { SafePaths } from './safe-names';
import { folderSink, zipSink, type ExportSink } from './sinks';

export interface ExportOptions {
  /** A snapshot id or 'latest' (of `profile` when it has any). */
  snapshot: string;
  to: string;
  zip: boolean;
  profile?: string;
  /** How "latest" is chosen when the caller knows the history (restore/profile-jobs.ts latestRule). */
  latest?: VerifyOptions['latest'];
  /** Where the export manifest is assembled before it goes into the export (default: the OS temp folder). */
  tmpDir?: string;
  /** Where running exports register their unfinished folder or zip (partials.ts); none: not tracked. */
  partialsDir?: string;
  /** Test hook at named points (see backup/test-hooks.ts): "export-entry-written" after each item. */
  hook?: (point: string) => Promise<void>;
}

export const EXPORT_MANIFEST = 'export-manifest.ndjson';

const README = `This folder is an export of a PCI Maintenance backup ("restore point").

dump/                   the MongoDB database, as mongodump writes it. Restore it with:
                          mongorestore --dir dump
r2/<bucket>/            the files of the R2 bucket, one file per object
files/<folder>/         the configuration folders
export-manifest.ndjson  one JSON line per item: where it came from ("path"), where it is here
                        ("file"), and its details (content type, metadata, size, ...). Names that
                        were not safe as file names were changed; this list says how.
`;

const PACKED_TYPE = /^(image|video|audio)\/|^application\/(zip|gzip|x-gzip|x-7z-compressed|x-rar-compressed|x-bzip2|x-xz|zstd|pdf|vnd\.openxmlformats)/;
const PACKED_EXT = /\.(jpe?g|png|gif|webp|heic|mp4|mov|mkv|avi|mp3|m4a|zip|gz|tgz|7z|rar|bz2|xz|zst|pdf|docx|xlsx|pptx)$/i;

/** Already compressed content gains nothing from a second try, and costs minutes on big files. */
function isPacked(key: string, contentType: string | null): boolean {
  return PACKED_TYPE.test(contentType ?? '') || PACKED_EXT.test(key);
}

/** The content of an entry, chunk by chunk, reading the next chunk while the current one is written. */
async function* contentOf(repo: Repository, chunks: { id: string }[]): AsyncGenerator<Buffer> {
  let next = chunks.length > 0 ? repo.getBlob(chunks[0].id) : null;
  for (let i = 0; i < chunks.length; i++) {
    const data = await next!;
    next = i + 1 < chunks.length ? repo.getBlob(chunks[i + 1].id) : null;
    next?.catch(() => undefined);
    yield data;
  }
}

/** The manifest line of an entry: everything but its chunk list, plus where it was written. */
function manifestLine(entry: ManifestEntry, file: string | null): string {
  const { chunks: _chunks, ...rest } = entry as ManifestEntry & { chunks?: unknown };
  return `${JSON.stringify({ ...rest, file })}\n`;
}

export async function exportSnapshot(repo: Repository, options: ExportOptions, ctx: OperationContext): Promise<ExportResult> {
  const started = Date.now();
  const headers = await repo.listSnapshots(); // a damaged restore point file stops the export (BACKUP_DAMAGED)
  const [header] = pickTargets(headers, [], options.snapshot, options.profile, options.latest);
  const notes: string[] = [];
  const tracker = options.partialsDir ? new PartialTracker(options.partialsDir) : undefined;
  if (options.partialsDir) {
    const old = await removeSiblingPartials(options.partialsDir, path.resolve(options.to));
    if (old.removed > 0) {
      notes.push(`Removed ${old.removed} unfinished export${old.removed === 1 ? '' : 's'} (${formatBytes(old.bytes)}) left here by an earlier export that was stopped.`);
      ctx.log('info', notes[notes.length - 1]);
    }
  }
  const sink: ExportSink = options.zip ? await zipSink(options.to, tracker) : await folderSink(options.to, tracker);
  const manifestFile = path.join(options.tmpDir ?? os.tmpdir(), `export-manifest-${randomBytes(6).toString('hex')}.ndjson`);
  const manifest = fs.createWriteStream(manifestFile, { mode: 0o600 });
  const result: ExportResult = { snapshotId: header.id, target: path.resolve(options.to), zip: options.zip, files: 0, bytes: 0, renamed: 0, symlinks: 0, durationMs: 0 };
  try {
    manifest.write(`${JSON.stringify({ format: 'pci-maintenance-export', version: 1, exportedAt: new Date().toISOString(), snapshot: describe(header) })}\n`);
    ctx.onProgress({ phase: 'Exporting the backup', unit: 'items', done: 0, total: header.stats.entries, bytesDone: 0, bytesTotal: header.stats.bytes, message: result.target });
    const paths = new SafePaths();
    const stems = new Map<string, string>();
    let done = 0;
    for await (const entry of repo.readManifest(header)) {
      ctx.signal.throwIfAborted();
      // Scratch and temporary collections of a restore or test restore that ran during an older backup.
      if ((entry.kind === 'mongo-collection' || entry.kind === 'mongo-metadata') && isTempCollection(entry.collection)) continue;
      const file = await writeEntry(repo, sink, paths, stems, entry);
      if (!manifest.write(manifestLine(entry, file))) await new Promise<void>((r) => manifest.once('drain', () => r()));
      if (file !== null && file !== naturalPath(entry)) result.renamed += 1;
      if (entry.kind === 'symlink') result.symlinks += 1;
      if ('chunks' in entry) {
        result.files += 1;
        result.bytes += entry.size;
      }
      ctx.onProgress({ done: ++done, bytesDone: result.bytes, message: entry.path });
      await options.hook?.('export-entry-written');
    }
    await new Promise<void>((resolve, reject) => manifest.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await sink.writeFile(EXPORT_MANIFEST, fs.createReadStream(manifestFile));
    await sink.writeFile('README.txt', Buffer.from(README, 'utf8'));
    ctx.onProgress({ phase: 'Finishing the export', message: '' });
    await sink.finish();
    ctx.log('info', `Exported restore point ${header.id} to ${result.target}: ${result.files} files, ${result.renamed} renamed to be safe.`);
    result.durationMs = Date.now() - started;
    if (notes.length > 0) result.notes = notes;
    return result;
  } catch (err) {
    await sink.abort().catch(() => undefined);
    throw err;
  } finally {
    manifest.destroy();
    await fsp.rm(manifestFile, { force: true });
  }
}

function describe(h: SnapshotHeader) {
  return { id: h.id, createdAt: h.createdAt, finishedAt: h.finishedAt, profile: h.profile, hostname: h.hostname, tags: h.tags, consistency: h.consistency, consistencyNote: h.consistencyNote ?? null };
}

/** Where an entry would go if its names were all safe. */
function naturalPath(entry: ManifestEntry): string {
  if (entry.kind === 'mongo-collection' || entry.kind === 'mongo-metadata') return `dump/${entry.path.slice('mongo/'.length)}`;
  return entry.path;
}

async function writeEntry(repo: Repository, sink: ExportSink, paths: SafePaths, stems: Map<string, string>, entry: ManifestEntry): Promise<string | null> {
  switch (entry.kind) {
    case 'mongo-collection':
    case 'mongo-metadata': {
      // Both files of a collection share one stem, so mongorestore pairs them even after a rename.
      const key = `${entry.db}\0${entry.collection}`;
      let stem = stems.get(key);
      if (stem === undefined) {
        stem = paths.placeName(paths.place('dump', [entry.db], 'dir'), entry.collection);
        stems.set(key, stem);
      }
      const file = `${stem}${entry.kind === 'mongo-collection' ? '.bson' : '.metadata.json'}`;
      await sink.writeFile(file, contentOf(repo, entry.chunks));
      return file;
    }
    case 'r2-object': {
      const file = paths.place('r2', [entry.bucket, ...entry.key.split('/')]);
      await sink.writeFile(file, contentOf(repo, entry.chunks), { mtime: new Date(entry.lastModified), store: isPacked(entry.key, entry.contentType) });
      return file;
    }
    case 'file': {
      const file = paths.place('files', entry.path.slice('files/'.length).split('/'));
      await sink.writeFile(file, contentOf(repo, entry.chunks), { mode: entry.mode, mtime: new Date(entry.mtime) });
      return file;
    }
    case 'dir': {
      const dir = paths.place('files', entry.path.slice('files/'.length).split('/'), 'dir');
      await sink.mkdir(dir, { mode: entry.mode });
      return dir;
    }
    case 'symlink':
      return null; // never created: a link could point anywhere; the manifest keeps its target
    case 'sqlite-database': {
      // The database file as it was copied: `sqlite3 <file>` opens it as it is.
      const file = paths.place('sqlite', [entry.name]);
      await sink.writeFile(file, contentOf(repo, entry.chunks));
      return file;
    }
    case 'postgres-database': {
      // The custom-format dump (`pg_restore -d DB <file>` reads it) and, beside it, the roles as SQL.
      const file = paths.place('postgres', [`${entry.database}.dump`]);
      await sink.writeFile(file, contentOf(repo, entry.chunks));
      await sink.writeFile(paths.place('postgres', [`${entry.database}-globals.sql`]), contentOf(repo, entry.globals.chunks));
      return file;
    }
  }
}
