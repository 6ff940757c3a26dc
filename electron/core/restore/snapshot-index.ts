// One restore point's file list, read once and grouped the way a restore needs it: the database's
// collections and their metadata, the bucket's objects by key, the configuration folders' entries.
// The manifest is immutable, so the preview and the restore that follows it see the same entries.
import { EJSON, type Document } from 'bson';
import { BUCKETS_PREFIX } from '../sources/mongo-catalog';
import type { SnapshotContents } from '../../../shared/api/restore';
import type { DirEntry, FileEntry, MongoCollectionEntry, MongoMetadataEntry, R2ObjectEntry, PostgresDatabaseEntry, Repository, SnapshotHeader, SqliteDatabaseEntry, SymlinkEntry } from '../repository';

export type FolderEntry = FileEntry | DirEntry | SymlinkEntry;

export interface SnapshotIndex {
  header: SnapshotHeader;
  database: string | null;
  collections: Map<string, MongoCollectionEntry>;
  metadata: Map<string, MongoMetadataEntry>;
  /** Time-series collections' data (their buckets, `system.buckets.<name>.bson`), by the collection's name. */
  timeseries: Map<string, MongoCollectionEntry>;
  bucket: string | null;
  objects: Map<string, R2ObjectEntry>;
  /** Entries per folder name (`files/<name>/…`). */
  folders: Map<string, FolderEntry[]>;
  /** SQLite database files by their name (`sqlite/<name>`). */
  sqlite: Map<string, SqliteDatabaseEntry>;
  /** PostgreSQL databases by their name (`postgres/<database>`). */
  postgres: Map<string, PostgresDatabaseEntry>;
  /** Databases / buckets beyond the first (backups hold one of each; anything else is not restored). */
  ignored: string[];
}

export interface CollectionMetadata {
  type: 'collection' | 'view' | 'timeseries';
  options: Document;
  indexes: Document[];
}

export async function indexSnapshot(repo: Repository, header: SnapshotHeader, signal?: AbortSignal): Promise<SnapshotIndex> {
  const index: SnapshotIndex = { header, database: null, collections: new Map(), metadata: new Map(), timeseries: new Map(), bucket: null, objects: new Map(), folders: new Map(), sqlite: new Map(), postgres: new Map(), ignored: [] };
  const ignored = new Set<string>();
  for await (const entry of repo.readManifest(header)) {
    signal?.throwIfAborted();
    switch (entry.kind) {
      case 'mongo-collection':
      case 'mongo-metadata':
        index.database ??= entry.db;
        if (entry.db !== index.database) {
          ignored.add(`database ${entry.db}`);
          break;
        }
        if (entry.kind === 'mongo-collection' && entry.collection.startsWith(BUCKETS_PREFIX)) index.timeseries.set(entry.collection.slice(BUCKETS_PREFIX.length), entry);
        else if (entry.kind === 'mongo-collection') index.collections.set(entry.collection, entry);
        else index.metadata.set(entry.collection, entry);
        break;
      case 'r2-object':
        index.bucket ??= entry.bucket;
        if (entry.bucket !== index.bucket) ignored.add(`bucket ${entry.bucket}`);
        else index.objects.set(entry.key, entry);
        break;
      case 'sqlite-database':
        index.sqlite.set(entry.name, entry);
        break;
      case 'postgres-database':
        index.postgres.set(entry.database, entry);
        break;
      default: {
        const name = entry.path.split('/')[1];
        let list = index.folders.get(name);
        if (!list) index.folders.set(name, (list = []));
        list.push(entry);
      }
    }
  }
  index.ignored = [...ignored];
  return index;
}

/** The concatenated plaintext of an entry's chunks (for small things: metadata files). */
export async function contentOf(repo: Repository, chunks: { id: string }[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const c of chunks) parts.push(await repo.getBlob(c.id));
  return Buffer.concat(parts);
}

/**
 * A `<collection>.metadata.json` as mongodump writes it, decoded without promoting numbers: an index
 * key `{a: Int32(1)}` must be recreated as Int32, not as a double.
 */
export async function readMetadata(repo: Repository, entry: MongoMetadataEntry | undefined): Promise<CollectionMetadata> {
  if (!entry) return { type: 'collection', options: {}, indexes: [] };
  const meta = EJSON.parse((await contentOf(repo, entry.chunks)).toString('utf8'), { relaxed: false }) as Document;
  const type = meta.type === 'view' || meta.type === 'timeseries' ? meta.type : 'collection';
  return { type, options: (meta.options as Document | undefined) ?? {}, indexes: Array.isArray(meta.indexes) ? (meta.indexes as Document[]) : [] };
}

/** Every collection name of the restore point (collections, views, time-series), in byte order. */
export function collectionNames(index: SnapshotIndex): string[] {
  const names = new Set([...index.collections.keys(), ...index.metadata.keys()]);
  return [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** What the restore point holds, for "choose what to restore". */
export async function describeContents(repo: Repository, index: SnapshotIndex): Promise<SnapshotContents> {
  const collections: SnapshotContents['collections'] = [];
  for (const name of collectionNames(index)) {
    const kind = index.collections.has(name) ? 'collection' : (await readMetadata(repo, index.metadata.get(name))).type;
    const data = kind === 'timeseries' ? index.timeseries.get(name) : index.collections.get(name); // time-series: its buckets
    collections.push({ name, kind, docs: data?.docs ?? 0, bytes: data?.size ?? 0 });
  }
  const prefixes = new Map<string, { count: number; bytes: number }>();
  let bytes = 0;
  for (const o of index.objects.values()) {
    const slash = o.key.indexOf('/');
    const prefix = slash >= 0 ? o.key.slice(0, slash + 1) : '';
    const p = prefixes.get(prefix) ?? { count: 0, bytes: 0 };
    p.count += 1;
    p.bytes += o.size;
    prefixes.set(prefix, p);
    bytes += o.size;
  }
  const topPrefixes = [...prefixes]
    .map(([prefix, p]) => ({ prefix, ...p }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 50);
  const folders = [...index.folders].map(([name, entries]) => ({
    name,
    files: entries.filter((e) => e.kind === 'file').length,
    bytes: entries.reduce((n, e) => n + (e.kind === 'file' ? e.size : 0), 0),
  }));
  return { snapshotId: index.header.id, database: index.database, collections, bucket: index.bucket, objects: { count: index.objects.size, bytes, topPrefixes }, folders };
}
