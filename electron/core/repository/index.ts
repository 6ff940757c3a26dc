// The backup location ("repository") layer: format, blob stores, crypto, chunking, locks, retention, prune.
// The format is specified in docs/backup-format.md.
export type { BlobStore, StoredObject } from './blob-store';
export { assertRepoPath, isRepoPath } from './blob-store';
export { FolderStore, nodeFolderFs, type FolderFs, type FileHandleLike, type DirEntryLike } from './folder-store';
export { S3Store, type S3StoreOptions } from './s3-store';
export { planFolder, driveMissingError, MOUNT_CONTAINERS, type FolderPlan } from './folder-root';
export { MissingObjectError, isMissing } from './errors';
export { blobPath, decodeBlob, encodeBlob, computeBlobId, BLOB_ID_RE, MAX_BLOB_BYTES } from './blob-codec';
export { PRODUCTION_SCRYPT_N, type RepoKeys } from './crypto';
export { DEFAULT_CHUNKER, GearChunker, createChunkStream, chunkIterable, gearTable, PUBLIC_GEAR_KEY, type ChunkerParams } from './chunker';
export { BsonDocumentChunker, chunkBsonDocuments, type BsonChunk } from './bson-chunker';
export { Repository, CONFIG_PATH, snapshotPath, type InitOptions, type OpenOptions, type PutBlobResult } from './repository';
export { PackIndex, PackWriter, packPath, indexPath, PACK_TARGET_BYTES, type PackRecord, type PackedBlob } from './packs';
export { ManifestWriter, readManifest, DEFAULT_PART_BYTES, type ManifestWriterOptions, type SnapshotInput } from './manifest';
export {
  FORMAT_VERSION,
  READABLE_VERSIONS,
  type FormatVersion,
  KNOWN_TAGS,
  ManifestEntry,
  RepoConfig,
  SnapshotHeader,
  type ChunkRef,
  type BsonChunkRef,
  type MongoCollectionEntry,
  type MongoMetadataEntry,
  type R2ObjectEntry,
  type FileEntry,
  type DirEntry,
  type SymlinkEntry,
  type SqliteDatabaseEntry,
  type SqliteTableRows,
  type PostgresDatabaseEntry,
  type PostgresTableRows,
  type SnapshotStats,
  type SourceStats,
} from './schemas';
export { acquire, listLiveLocks, noFileReason, pidIsAlive, withoutFileNote, STALE_AFTER_MS, REFRESH_EVERY_MS, type Lock, type LockKind, type AcquireOptions, type NoLockFileReason } from './locks';
export {
  applyRetention,
  isoWeekKey,
  RetentionPolicy,
  DEFAULT_RETENTION,
  type RetentionPolicyInput,
  type RetentionDecision,
  type RetentionReason,
  type RetentionResult,
  type RetentionSnapshot,
} from './retention';
export { removeTempLeftovers, TEMP_SAFE_AGE_MS, type TempCleanup } from './leftovers';
export { inGroup, prune, type PruneGroup, type PruneOptions, type PruneResult } from './prune';
