// Zod schemas for every JSON file of a backup location (docs/backup-format.md §2, §5, §6, §8).
// Anything read back is parsed with these; a file that does not fit is reported as damaged.
import { z } from 'zod';
import { MAX_READ_SCRYPT_N, MIN_READ_SCRYPT_N, SCRYPT_P, SCRYPT_R } from './crypto';

export const FORMAT_NAME = 'pci-maintenance-backup';
/** The format new locations are set up with (docs/backup-format.md §10). */
export const FORMAT_VERSION = 2;
/** Every format this app reads; a location keeps the version it was set up with. */
export const READABLE_VERSIONS = [1, 2] as const;
export type FormatVersion = (typeof READABLE_VERSIONS)[number];
/** Snapshot files have the same layout in every format version. */
export const SNAPSHOT_VERSION = 1;

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`));
export const RepoId = hex(32);
export const SnapshotId = hex(32);
export const BlobId = hex(64);
const IsoTime = z.iso.datetime({ offset: true });
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const count = z.number().int().nonnegative();

export const ChunkerConfig = z.object({
  algorithm: z.literal('gear-v1'),
  minSize: count,
  avgSize: count,
  maxSize: count,
});

export const EncryptionConfigSchema = z.object({
  algorithm: z.literal('aes-256-gcm'),
  kdf: z.literal('scrypt'),
  N: z
    .number()
    .int()
    .min(MIN_READ_SCRYPT_N)
    .max(MAX_READ_SCRYPT_N)
    .refine((n) => (n & (n - 1)) === 0, 'N must be a power of two'),
  r: z.literal(SCRYPT_R),
  p: z.literal(SCRYPT_P),
  salt: base64,
  wrappedKey: base64,
  keyCheck: base64,
});

export const RepoConfig = z.object({
  format: z.literal(FORMAT_NAME),
  version: z.union([z.literal(1), z.literal(2)]),
  id: RepoId,
  createdAt: IsoTime,
  compression: z.literal('gzip'),
  chunker: ChunkerConfig,
  encryption: EncryptionConfigSchema.nullable(),
});
export type RepoConfig = z.infer<typeof RepoConfig>;

export const KNOWN_TAGS = ['manual', 'scheduled', 'pre-update', 'pre-restore'] as const;
export const SnapshotTag = z.string().regex(/^[a-z0-9-]{1,40}$/);

export const SourceStats = z.object({
  kind: z.enum(['mongo', 'r2', 'files', 'sqlite', 'postgres']),
  name: z.string(),
  entries: count,
  bytes: count,
});
export type SourceStats = z.infer<typeof SourceStats>;

export const SnapshotStats = z.object({
  entries: count,
  bytes: count,
  newBytes: count,
  reusedBytes: count,
  storedBytes: count,
  newBlobs: count,
  sources: z.array(SourceStats),
});
export type SnapshotStats = z.infer<typeof SnapshotStats>;

export const Consistency = z.enum(['point-in-time', 'best-effort']);

export const SnapshotHeader = z.object({
  version: z.literal(SNAPSHOT_VERSION),
  id: SnapshotId,
  createdAt: IsoTime,
  finishedAt: IsoTime,
  tags: z.array(SnapshotTag),
  profile: z.string(),
  hostname: z.string(),
  appVersion: z.string(),
  parent: SnapshotId.nullable(),
  consistency: Consistency,
  consistencyNote: z.string().optional(),
  stats: SnapshotStats,
  manifest: z.array(BlobId),
});
export type SnapshotHeader = z.infer<typeof SnapshotHeader>;

export const ChunkRef = z.object({ id: BlobId, size: count });
export type ChunkRef = z.infer<typeof ChunkRef>;
export const BsonChunkRef = ChunkRef.extend({ docs: count });
export type BsonChunkRef = z.infer<typeof BsonChunkRef>;

const sumOf = (chunks: ChunkRef[]) => chunks.reduce((n, c) => n + c.size, 0);
const nullableText = z.string().nullable();

export const MongoCollectionEntry = z
  .object({
    kind: z.literal('mongo-collection'),
    path: z.string(),
    db: z.string().min(1),
    collection: z.string().min(1),
    docs: count,
    size: count,
    chunks: z.array(BsonChunkRef),
  })
  .refine((e) => e.path === `mongo/${e.db}/${e.collection}.bson`, 'path must be mongo/<db>/<collection>.bson')
  .refine((e) => e.size === sumOf(e.chunks) && e.docs === e.chunks.reduce((n, c) => n + c.docs, 0), 'size/docs must match the chunks');

export const MongoMetadataEntry = z
  .object({
    kind: z.literal('mongo-metadata'),
    path: z.string(),
    db: z.string().min(1),
    collection: z.string().min(1),
    size: count,
    chunks: z.array(ChunkRef),
  })
  .refine((e) => e.path === `mongo/${e.db}/${e.collection}.metadata.json`, 'path must be mongo/<db>/<collection>.metadata.json')
  .refine((e) => e.size === sumOf(e.chunks), 'size must match the chunks');

export const R2ObjectEntry = z
  .object({
    kind: z.literal('r2-object'),
    path: z.string(),
    bucket: z.string().min(1),
    key: z.string().min(1),
    size: count,
    etag: z.string(),
    lastModified: IsoTime,
    contentType: nullableText,
    cacheControl: nullableText,
    contentDisposition: nullableText,
    contentEncoding: nullableText,
    contentLanguage: nullableText,
    userMetadata: z.record(z.string(), z.string()),
    chunks: z.array(ChunkRef),
  })
  .refine((e) => e.path === `r2/${e.bucket}/${e.key}`, 'path must be r2/<bucket>/<key>')
  .refine((e) => e.size === sumOf(e.chunks), 'size must match the chunks');

const filesPath = z.string().regex(/^files\/[^/]+\/.+/, 'path must be files/<folder>/<path>');

export const FileEntry = z
  .object({ kind: z.literal('file'), path: filesPath, mode: count, mtime: IsoTime, size: count, chunks: z.array(ChunkRef) })
  .refine((e) => e.size === sumOf(e.chunks), 'size must match the chunks');
export const DirEntry = z.object({ kind: z.literal('dir'), path: filesPath, mode: count, mtime: IsoTime });
export const SymlinkEntry = z.object({ kind: z.literal('symlink'), path: filesPath, target: z.string(), mtime: IsoTime });

/** A name that is one path segment: no separator, no NUL, not `.` or `..`. */
const segment = z.string().min(1).max(255).refine((n) => !/[/\\\0]/.test(n) && n !== '.' && n !== '..', 'must be one plain name');

export const SqliteTableRows = z.object({ name: z.string().min(1), rows: count });
export type SqliteTableRows = z.infer<typeof SqliteTableRows>;

/** One SQLite database file, copied through SQLite's online backup at one moment (docs/backup-format.md §6). */
export const SqliteDatabaseEntry = z
  .object({
    kind: z.literal('sqlite-database'),
    path: z.string(),
    name: segment,
    originalPath: z.string().min(1),
    size: count,
    pageSize: count,
    journalMode: z.string(),
    tables: z.array(SqliteTableRows),
    chunks: z.array(ChunkRef),
  })
  .refine((e) => e.path === `sqlite/${e.name}`, 'path must be sqlite/<name>')
  .refine((e) => e.size === sumOf(e.chunks), 'size must match the chunks');

export const PostgresTableRows = z.object({ schema: z.string().min(1), name: z.string().min(1), rows: count });
export type PostgresTableRows = z.infer<typeof PostgresTableRows>;

/** One PostgreSQL database: a custom-format pg_dump of one snapshot, and the server's roles (docs/backup-format.md §6). */
export const PostgresDatabaseEntry = z
  .object({
    kind: z.literal('postgres-database'),
    path: z.string(),
    /** The database's name on the server (one path segment). */
    database: segment,
    serverVersion: z.string().min(1),
    pgDumpVersion: z.string().min(1),
    format: z.literal('custom'),
    /** pg_database_size when backed up. */
    databaseBytes: count,
    size: count,
    tables: z.array(PostgresTableRows),
    chunks: z.array(ChunkRef),
    /** `pg_dumpall --globals-only`: roles and tablespaces as SQL; `rolePasswords` false when it was made without them. */
    globals: z.object({ size: count, rolePasswords: z.boolean(), chunks: z.array(ChunkRef) }).refine((g) => g.size === sumOf(g.chunks), 'globals size must match its chunks'),
  })
  .refine((e) => e.path === `postgres/${e.database}`, 'path must be postgres/<database>')
  .refine((e) => e.size === sumOf(e.chunks), 'size must match the chunks');

export const ManifestEntry = z.discriminatedUnion('kind', [MongoCollectionEntry, MongoMetadataEntry, R2ObjectEntry, FileEntry, DirEntry, SymlinkEntry, SqliteDatabaseEntry, PostgresDatabaseEntry]);
export type ManifestEntry = z.infer<typeof ManifestEntry>;
export type MongoCollectionEntry = z.infer<typeof MongoCollectionEntry>;
export type MongoMetadataEntry = z.infer<typeof MongoMetadataEntry>;
export type R2ObjectEntry = z.infer<typeof R2ObjectEntry>;
export type FileEntry = z.infer<typeof FileEntry>;
export type DirEntry = z.infer<typeof DirEntry>;
export type SymlinkEntry = z.infer<typeof SymlinkEntry>;
export type SqliteDatabaseEntry = z.infer<typeof SqliteDatabaseEntry>;
export type PostgresDatabaseEntry = z.infer<typeof PostgresDatabaseEntry>;

/** Where one blob of a pack file is (docs/backup-format.md §4.1). */
export const PackedBlob = z.object({ id: BlobId, offset: count, length: z.number().int().positive(), size: count });
/** An index file (docs/backup-format.md §4.2): the blobs of some pack files. */
export const IndexFile = z.object({
  version: z.literal(2),
  packs: z.array(z.object({ id: hex(32), blobs: z.array(PackedBlob) })),
});
export type IndexFile = z.infer<typeof IndexFile>;

export const LockFile = z.object({
  version: z.literal(1),
  id: hex(32),
  kind: z.enum(['shared', 'exclusive']),
  host: z.string(),
  pid: z.number().int(),
  operation: z.string().optional(),
  createdAt: IsoTime,
  refreshedAt: IsoTime,
});
export type LockFile = z.infer<typeof LockFile>;

/** A short, readable reason from a zod error, for `details` (never the data itself). */
export function zodReason(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
