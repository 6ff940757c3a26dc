// Reading what a backup location claims to hold: every restore point file, and each verified restore
// point's file list (manifest), part by part. Unlike the repository's own reader, a damaged part does
// not stop the scan: it is reported and the next part is read, so one bad file hides nothing else.
import { UserError } from '../../../shared/errors';
import { ManifestEntry, snapshotPath, type Repository, type SnapshotHeader } from '../repository';
import { zodReason } from '../repository/schemas';
import { BlobState, readBlobChecked, type BlobIndex } from './blob-index';
import type { InspectingStore } from './inspecting-store';
import { classifySnapshotError, type ProblemLog } from './problems';

const SNAPSHOT_FILE_RE = /^snapshots\/([0-9a-f]{32})$/;

/** Every readable restore point (oldest first); unreadable restore point files are reported. */
export async function readSnapshotHeaders(repo: Repository, problems: ProblemLog): Promise<{ headers: SnapshotHeader[]; damaged: string[] }> {
  const headers: SnapshotHeader[] = [];
  const damaged: string[] = [];
  for await (const obj of repo.store.list('snapshots/')) {
    const id = SNAPSHOT_FILE_RE.exec(obj.path)?.[1];
    if (!id) continue;
    try {
      headers.push(await repo.readSnapshot(id));
    } catch (err) {
      if (err instanceof UserError && err.code === 'SNAPSHOT_NOT_FOUND') continue; // forgotten since the listing
      const classified = classifySnapshotError(err);
      if (!classified) throw err;
      damaged.push(id);
      problems.add({ snapshotId: id, path: null, blob: null, file: snapshotPath(id), code: classified.code, message: `The restore point file ${snapshotPath(id)} cannot be used: ${classified.why}.` });
    }
  }
  headers.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  return { headers, damaged };
}

export interface ScanOptions {
  signal: AbortSignal;
  /** Called for every entry read (test restore and metadata checks keep the few they need). */
  onEntry?: (entry: ManifestEntry) => void;
}

/**
 * Read one restore point's file list, registering every blob it names in `index`. Returns the number
 * of entries read; compares it with the restore point's own count when every part was readable.
 */
export async function scanManifest(repo: Repository, store: InspectingStore, header: SnapshotHeader, index: BlobIndex, problems: ProblemLog, options: ScanOptions): Promise<number> {
  let entries = 0;
  let complete = true;
  const parts = header.manifest;
  const fetch = (i: number) => {
    if (i >= parts.length) return null;
    const p = readBlobChecked(repo, store, parts[i], null);
    p.catch(() => undefined); // surfaced when awaited; never "unhandled" if the scan stops first
    return p;
  };
  let next = fetch(0);
  for (let i = 0; i < parts.length; i++) {
    options.signal.throwIfAborted();
    const part = parts[i];
    const file = repo.blobFile(part);
    const read = await next!;
    next = fetch(i + 1);
    const where = `part ${i + 1} of ${parts.length} of the file list`;
    // The size of a manifest part is not recorded anywhere; a successful decode is its proof.
    if (!read.ok) {
      complete = false;
      index.add(part, 0);
      index.markBad(part, { code: read.code, why: read.why });
      problems.add({ snapshotId: header.id, path: null, blob: part, file, code: read.code, message: `The file list of this restore point (${where}) cannot be read: ${read.why}. The files it lists cannot be checked.` });
      continue;
    }
    const text = read.data.toString('utf8');
    index.add(part, read.data.length);
    index.blobs.get(part)!.state = BlobState.Read;
    entries += parsePart(repo, text, header, part, where, index, problems, options);
  }
  if (complete && entries !== header.stats.entries) {
    problems.add({
      snapshotId: header.id,
      path: null,
      blob: null,
      file: snapshotPath(header.id),
      code: 'entries-mismatch',
      message: `The restore point says it holds ${header.stats.entries} items, but its file list has ${entries}. Part of the list is missing or was changed.`,
    });
  }
  return entries;
}

function parsePart(repo: Repository, text: string, header: SnapshotHeader, part: string, where: string, index: BlobIndex, problems: ProblemLog, options: ScanOptions): number {
  let entries = 0;
  let start = 0;
  let lineNo = 0;
  const damaged = (why: string) =>
    problems.add({ snapshotId: header.id, path: null, blob: part, file: repo.blobFile(part), code: 'manifest-damaged', message: `Line ${lineNo} of ${where} cannot be read: ${why}.` });
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    lineNo += 1;
    if (nl < 0) {
      damaged('the line is cut off');
      break;
    }
    const line = text.slice(start, nl);
    start = nl + 1;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (_err) {
      damaged('it is not valid JSON');
      continue;
    }
    const parsed = ManifestEntry.safeParse(json);
    if (!parsed.success) {
      damaged(zodReason(parsed.error));
      continue;
    }
    entries += 1;
    const entry = parsed.data;
    if ('chunks' in entry) {
      entry.chunks.forEach((c: { id: string; size: number; docs?: number }) => {
        const conflict = index.add(c.id, c.size, entry.kind === 'mongo-collection' ? (c.docs ?? 0) : -1);
        if (conflict) problems.add({ snapshotId: header.id, path: entry.path, blob: c.id, file: repo.blobFile(c.id), code: 'wrong-size', message: `A piece of ${entry.path} has the wrong size: ${conflict}.` });
      });
    }
    options.onEntry?.(entry);
  }
  return entries;
}
