// Unfinished exports. An export is built under `<target>.partial-<hex>` and renamed at the very end
// (sinks.ts), so a killed export leaves that folder or zip behind, sometimes hundreds of MB. Each
// running export writes a small record in the data folder naming its partial, its computer and its
// process; the next export to the same place, and maintenance, remove a partial only when that
// process is gone, and never one of an export still running.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { pidIsAlive } from '../repository';

/** In the data folder (not tmp/, which is emptied by age: a long export must keep its record). */
export const PARTIALS_DIR = 'unfinished-exports';
/** A partial nobody registered (another data folder, another computer) goes only after a day untouched. */
export const UNREGISTERED_SAFE_AGE_MS = 24 * 60 * 60 * 1000;

const PartialRecord = z.object({ version: z.literal(1), path: z.string(), host: z.string(), pid: z.number().int(), startedAt: z.string() });
type PartialRecord = z.infer<typeof PartialRecord>;

export interface PartialCleanup {
  removed: number;
  bytes: number;
}

export interface OwnerCheck {
  host?: string;
  isPidAlive?: (pid: number) => boolean;
  now?: number;
}

/** The name an export's partial gets beside its target. */
export function partialName(target: string): string {
  return `${target}.partial-${randomBytes(4).toString('hex')}`;
}

/** Registers a partial while its export runs; `done` removes the record once the partial is gone or renamed. */
export class PartialTracker {
  private record: string | null = null;

  constructor(private readonly dir: string) {}

  async start(partial: string): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const rec: PartialRecord = { version: 1, path: partial, host: os.hostname(), pid: process.pid, startedAt: new Date().toISOString() };
    this.record = path.join(this.dir, `${randomBytes(8).toString('hex')}.json`);
    await fsp.writeFile(this.record, JSON.stringify(rec), { mode: 0o600 });
  }

  async done(): Promise<void> {
    if (this.record) await fsp.rm(this.record, { force: true });
    this.record = null;
  }
}

async function readRecords(dir: string): Promise<{ file: string; rec: PartialRecord | null }[]> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: { file: string; rec: PartialRecord | null }[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const file = path.join(dir, name);
    try {
      const parsed = PartialRecord.safeParse(JSON.parse(await fsp.readFile(file, 'utf8')));
      out.push({ file, rec: parsed.success ? parsed.data : null });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // its export just finished
      out.push({ file, rec: null }); // half-written by a killed process: debris
    }
  }
  return out;
}

/** Size and newest change of a file or folder tree; null when it is not there. */
async function measure(target: string): Promise<{ bytes: number; newest: number } | null> {
  const stat = await fsp.lstat(target).catch(() => null);
  if (!stat) return null;
  if (!stat.isDirectory()) return { bytes: stat.size, newest: stat.mtimeMs };
  let bytes = 0;
  let newest = stat.mtimeMs;
  for (const entry of await fsp.readdir(target, { withFileTypes: true })) {
    const inner = await measure(path.join(target, entry.name));
    if (!inner) continue;
    bytes += inner.bytes;
    newest = Math.max(newest, inner.newest);
  }
  return { bytes, newest };
}

const isGone = (rec: PartialRecord, check: OwnerCheck) => rec.host === (check.host ?? os.hostname()) && !(check.isPidAlive ?? pidIsAlive)(rec.pid);

async function removePartial(partial: string, out: PartialCleanup): Promise<void> {
  const size = await measure(partial);
  if (!size) return;
  await fsp.rm(partial, { recursive: true, force: true });
  out.removed += 1;
  out.bytes += size.bytes;
}

/** Maintenance: every registered partial whose export process is gone (on this computer). */
export async function removeLeftoverPartials(dir: string, check: OwnerCheck = {}): Promise<PartialCleanup> {
  const out: PartialCleanup = { removed: 0, bytes: 0 };
  for (const { file, rec } of await readRecords(dir)) {
    if (rec && !isGone(rec, check)) continue;
    if (rec) await removePartial(rec.path, out);
    await fsp.rm(file, { force: true });
  }
  return out;
}

/**
 * Before an export to `target`: remove the partials of earlier exports to the same target that were
 * killed. Registered ones go when their process is gone; ones nobody here registered only after a
 * day without any change (they may be an export of another computer on a shared drive).
 */
export async function removeSiblingPartials(dir: string, target: string, check: OwnerCheck = {}): Promise<PartialCleanup> {
  const out: PartialCleanup = { removed: 0, bytes: 0 };
  const parent = path.dirname(target);
  const prefix = `${path.basename(target)}.partial-`;
  const names = fs.existsSync(parent) ? (await fsp.readdir(parent)).filter((n) => n.startsWith(prefix)) : [];
  if (names.length === 0) return out;
  const records = await readRecords(dir);
  const now = check.now ?? Date.now();
  for (const name of names) {
    const partial = path.join(parent, name);
    const owner = records.find((r) => r.rec?.path === partial);
    if (owner?.rec) {
      if (!isGone(owner.rec, check)) continue;
      await removePartial(partial, out);
      await fsp.rm(owner.file, { force: true });
      continue;
    }
    const size = await measure(partial);
    if (size && now - size.newest > UNREGISTERED_SAFE_AGE_MS) await removePartial(partial, out);
  }
  return out;
}
