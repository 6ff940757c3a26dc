// The PCI File Manager dataset as data: every document and object, decided by the seed alone (no I/O,
// no content hashing), so tests can ask "which keys would seed 1 produce?" for free.
import { Binary, Decimal128, Double, Int32, Long, UUID, type Document, type ObjectId } from 'mongodb';
import { TYPES, type FileType } from './content';
import { FOLDER_NAMES, SUBFOLDER_NAMES, fileBaseName, personName, slugify } from './names';
import { Prng, REFERENCE_NOW } from './prng';
import { planActivity, planSettings, planShares } from './records';

export type Scale = 'small' | 'medium' | 'large';
export { REFERENCE_NOW };

const MiB = 1024 * 1024;

interface Spec {
  users: number; files: number; big: number; bigMin: number; bigMax: number; regularMax: number; activity: number;
  orphans: number; missing: number; softWithObject: number; softPurged: number; sizeMismatches: number;
}

export const SCALES: Record<Scale, Spec> = {
  small: { users: 8, files: 150, big: 1, bigMin: 12.5 * MiB, bigMax: 14 * MiB, regularMax: 512 * 1024, activity: 1500, orphans: 3, missing: 3, softWithObject: 2, softPurged: 2, sizeMismatches: 1 },
  medium: { users: 40, files: 1500, big: 6, bigMin: 12 * MiB, bigMax: 40 * MiB, regularMax: MiB, activity: 15_000, orphans: 5, missing: 5, softWithObject: 3, softPurged: 4, sizeMismatches: 2 },
  large: { users: 120, files: 5000, big: 20, bigMin: 15 * MiB, bigMax: 60 * MiB, regularMax: MiB, activity: 50_000, orphans: 8, missing: 8, softWithObject: 4, softPurged: 6, sizeMismatches: 3 },
};

export interface PlannedObject {
  key: string;
  type: FileType;
  /** Size of the intended content; `contentSeed` names it (equal seeds: identical bytes). */
  size: number;
  contentSeed: string;
  /** Bytes actually in the bucket (a prefix of the content); undefined: no object. */
  storedSize?: number;
  metadata: Record<string, string>;
}

export interface PlannedFile extends PlannedObject { doc: Document }

export interface Anomalies {
  /** Object keys no file record points to. */
  orphanObjects: string[];
  /** Storage keys of live file records whose object is missing. */
  missingObjects: string[];
  /** Storage keys of soft-deleted records whose object still exists. */
  softDeletedWithObject: string[];
  /** Storage keys of records whose `size` differs from their object's size. */
  sizeMismatches: string[];
}

export interface DatasetPlan {
  seed: number;
  scale: Scale;
  users: Document[];
  folders: Document[];
  files: PlannedFile[];
  orphans: PlannedObject[];
  shares: Document[];
  activity: Document[];
  settings: Document[];
  anomalies: Anomalies;
}

function storageKey(owner: ObjectId, when: Date, rng: Prng, base: string, ext: string): string {
  const mm = String(when.getUTCMonth() + 1).padStart(2, '0');
  return `u/${owner.toHexString()}/${when.getUTCFullYear()}/${mm}/${rng.uuid()}-${slugify(base)}.${ext}`;
}

function planUsers(seed: number, spec: Spec): Document[] {
  const rng = new Prng(seed, 'users');
  const emails = new Set<string>();
  return Array.from({ length: spec.users }, (_, i) => {
    const createdAt = rng.date(new Date('2019-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z'));
    const { first, last } = personName(rng);
    let email = `${slugify(first)}.${slugify(last)}@example.com`;
    for (let n = 2; emails.has(email); n++) email = `${slugify(first)}.${slugify(last)}${n}@example.com`;
    emails.add(email);
    const born = i === 1 ? new Date('1962-03-14T00:00:00Z') : rng.chance(0.6) ? rng.date(new Date('1948-01-01'), new Date('2002-12-31')) : undefined;
    return {
      _id: rng.objectIdAt(createdAt), email, name: `${first} ${last}`, role: i === 0 || rng.chance(0.15) ? 'admin' : 'member',
      ...(born ? { birthDate: born } : {}),
      quotaGb: Decimal128.fromString(rng.pick(['50.00', '100.00', '250.50', '1000.00'])),
      storageUsed: Long.ZERO, loginCount: Long.fromNumber(rng.int(0, 5000)),
      // 2^53 + 1: a counter a JS number cannot hold, to catch lossy Int64 handling.
      ...(i === 0 ? { apiCalls: Long.fromString('9007199254740993') } : {}),
      avatarSha1: rng.chance(0.7) ? new Binary(rng.bytes(20)) : null,
      prefs: { theme: rng.pick(['light', 'dark']), lang: rng.pick(['en', 'de', 'fr', 'ja']), zoom: new Double(1) },
      disabled: i === spec.users - 1, createdAt, lastLoginAt: rng.date(createdAt, REFERENCE_NOW),
    };
  });
}

function planFolders(seed: number, users: Document[]): Document[] {
  const rng = new Prng(seed, 'folders');
  const folders: Document[] = [];
  for (const user of users) {
    const roots = rng.sample(FOLDER_NAMES, rng.int(2, 5));
    for (const name of roots) {
      const createdAt = rng.date(user.createdAt as Date, REFERENCE_NOW);
      const root = { _id: rng.objectIdAt(createdAt), name, parentId: null, owner: user._id, path: `/${name}`, createdAt, updatedAt: createdAt };
      folders.push(root);
      if (!rng.chance(0.5)) continue;
      for (const sub of rng.sample(SUBFOLDER_NAMES, rng.int(1, 3))) {
        const subAt = rng.date(createdAt, REFERENCE_NOW);
        folders.push({ _id: rng.objectIdAt(subAt), name: sub, parentId: root._id, owner: user._id, path: `/${name}/${sub}`, createdAt: subAt, updatedAt: subAt });
      }
    }
  }
  return folders;
}

const TEXT = ['txt', 'md', 'csv', 'json'];
const BINARY = ['pdf', 'pdf', 'docx', 'xlsx', 'jpg', 'jpg', 'png', 'zip'];
const TAGS = ['invoice', '2024', 'important', 'tax', 'draft', 'photo', 'client', 'archive'];

function planFiles(seed: number, spec: Spec, users: Document[], folders: Document[]): PlannedFile[] {
  const rng = new Prng(seed, 'files');
  const bigAt = new Set<number>();
  while (bigAt.size < spec.big) bigAt.add(rng.int(1, spec.files - 1));
  const files: PlannedFile[] = [];
  const byOwner = new Map<unknown, Document[]>(users.map((u) => [u._id, folders.filter((f) => f.owner === u._id)]));
  const earlier: PlannedFile[] = []; // ordinary non-empty files a later one may duplicate
  for (let i = 0; i < spec.files; i++) {
    const owner = rng.pick(users);
    const own = byOwner.get(owner._id) ?? [];
    const folder = rng.chance(0.1) ? undefined : rng.pick(own);
    const createdAt = rng.date((folder ?? owner).createdAt as Date, REFERENCE_NOW);
    let ext = bigAt.has(i) ? rng.pick(['mp4', 'zip']) : rng.chance(0.35) ? rng.pick(TEXT) : rng.pick(BINARY);
    let size = bigAt.has(i) ? rng.int(spec.bigMin, spec.bigMax) : i === 0 ? 0 : rng.logUniform(8, spec.regularMax);
    let contentSeed = `${seed}:file:${i}`;
    if (!bigAt.has(i) && earlier.length && rng.chance(0.03)) {
      // The same file uploaded twice (other name, other key): content-addressed backups store it once.
      const twin = rng.pick(earlier);
      [ext, size, contentSeed] = [twin.type.ext, twin.size, twin.contentSeed];
    }
    const base = fileBaseName(rng, ext, createdAt);
    const _id = rng.objectIdAt(createdAt);
    const key = storageKey(owner._id as ObjectId, createdAt, rng, base, ext);
    const doc: Document = {
      _id, name: i === 0 ? 'empty.txt' : `${base}.${ext}`, folderId: folder?._id ?? null, owner: owner._id, size, mimeType: TYPES[ext].mime,
      storageKey: key, sha256: '', createdAt, updatedAt: rng.chance(0.3) ? rng.date(createdAt, REFERENCE_NOW) : createdAt,
      tags: rng.sample(TAGS, rng.int(0, 3)), version: new Int32(rng.int(1, 4)),
      downloadCount: Long.fromNumber(rng.int(0, 500)), uploadId: new UUID(rng.uuid()),
    };
    const metadata = { owner: (owner._id as ObjectId).toHexString(), 'file-id': _id.toHexString(), 'original-name': encodeURIComponent(doc.name as string) };
    files.push({ doc, key, type: TYPES[ext], size, contentSeed, storedSize: size, metadata });
    if (size > 0 && size < spec.bigMin) earlier.push(files[files.length - 1]);
  }
  return files;
}

/** Picks the deliberate inconsistencies among ordinary files (not big, not empty, not duplicated). */
function planAnomalies(seed: number, spec: Spec, files: PlannedFile[], users: Document[]): { orphans: PlannedObject[]; anomalies: Anomalies } {
  const rng = new Prng(seed, 'anomalies');
  const seeds = new Map<string, number>();
  for (const f of files) seeds.set(f.contentSeed, (seeds.get(f.contentSeed) ?? 0) + 1);
  const pool = files.filter((f) => f.size >= 16 && f.size < spec.bigMin && seeds.get(f.contentSeed) === 1);
  const take = (n: number): PlannedFile[] => Array.from({ length: n }, () => pool.splice(rng.int(0, pool.length - 1), 1)[0]);
  const deleted = (f: PlannedFile): void => {
    f.doc.deletedAt = rng.date(f.doc.createdAt as Date, REFERENCE_NOW);
    f.doc.deletedBy = f.doc.owner;
  };
  const missing = take(spec.missing);
  missing.forEach((f) => (f.storedSize = undefined));
  take(spec.softPurged).forEach((f) => {
    deleted(f);
    f.storedSize = undefined; // trash emptied: record kept, object gone (not an anomaly)
  });
  const softWithObject = take(spec.softWithObject);
  softWithObject.forEach(deleted);
  const mismatched = take(spec.sizeMismatches);
  mismatched.forEach((f) => (f.storedSize = Math.floor(f.size / 2))); // an upload that stopped halfway
  const orphans = Array.from({ length: spec.orphans }, (_, j): PlannedObject => {
    const owner = rng.pick(users)._id as ObjectId;
    const ext = rng.pick(BINARY);
    const when = rng.date(new Date('2023-01-01T00:00:00Z'), REFERENCE_NOW);
    const size = rng.logUniform(16, spec.regularMax);
    return { key: storageKey(owner, when, rng, fileBaseName(rng, ext, when), ext), type: TYPES[ext], size, storedSize: size, contentSeed: `${seed}:orphan:${j}`, metadata: { owner: owner.toHexString() } };
  });
  const keys = (list: { key: string }[]): string[] => list.map((f) => f.key).sort();
  return { orphans, anomalies: { orphanObjects: keys(orphans), missingObjects: keys(missing), softDeletedWithObject: keys(softWithObject), sizeMismatches: keys(mismatched) } };
}

export function planDataset(seed: number, scale: Scale): DatasetPlan {
  const spec = SCALES[scale];
  const users = planUsers(seed, spec);
  const folders = planFolders(seed, users);
  const files = planFiles(seed, spec, users, folders);
  const { orphans, anomalies } = planAnomalies(seed, spec, files, users);
  for (const user of users) {
    const used = files.filter((f) => f.doc.owner === user._id && !f.doc.deletedAt).reduce((sum, f) => sum + f.size, 0);
    user.storageUsed = Long.fromNumber(used);
  }
  return {
    seed, scale, users, folders, files, orphans, anomalies,
    shares: planShares(seed, files, users), activity: planActivity(seed, spec.activity, files, users), settings: planSettings(),
  };
}
