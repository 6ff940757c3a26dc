// One interface for every kind of source a connection backs up, and the registry of kinds. A kind
// module says, in plain words, what it backs up, and how a backup of it starts and runs into
// manifest entries through the BackupSink. runBackup
// iterates the registry in its order: the database first, then the bucket (so every file record in
// the dump has its object), then everything else. Clients are made by openProfile (profiles/open.ts)
// and reach a kind as its port; a kind never reads secrets or builds a client itself.
//
// Adding a kind (see docs/architecture.md, "How to add a source kind"): its settings in
// shared/profile.ts (the `Source` union), its port in `BackupPorts` below, a module with `backup`
// (and `begin` when something must start before the first source runs), a line in SOURCE_KINDS.
import type { OperationContext } from '../../../shared/jobs';
import type { Repository, SnapshotHeader } from '../repository';
import { r2ReadError } from './errors';
import { backupFolders } from './folders';
import { backupMongo, type MongoSourcePort } from './mongo';
import { backupR2, type R2SourcePort } from './r2';
import { countBucket, previousObjectsOf, probeBucket } from './r2-list';
import type { RetryPolicy } from './retry';
import type { BackupSink, SourceReport } from './sink';

/** What a backup hands each source: the connected part of the profile, by kind. */
export interface BackupPorts {
  mongodb: MongoSourcePort;
  s3: R2SourcePort;
  /** Every folder of the connection at once: their names under files/ are made unique together. */
  folder: string[];
}
export type PortKind = keyof BackupPorts;

/** The run a source backs up in: where it writes, the run's context, the restore point before it. */
export interface BackupRun {
  sink: BackupSink;
  /** The run's context: its signal stops every source at once when one fails or the job is cancelled. */
  ctx: OperationContext;
  /** Stop the whole run with this error (a part running beside the others failed). */
  fail(err: unknown): void;
  repo: Repository;
  /** The previous restore point of the same profile in this location, to back up incrementally. */
  parent: SnapshotHeader | null;
  retry: RetryPolicy;
  hook?: (point: string) => Promise<void>;
  tuning: { mongoBatchBytes?: number; r2Concurrency?: number; listPageSize?: number; r2MetadataRecheckMarginMs?: number };
}

/** What one source's backup adds to the restore point. */
export interface BackupPart {
  reports: SourceReport[];
  /** Databases say how consistent their dump is; the restore point keeps the first one said. */
  consistency?: { consistency: SnapshotHeader['consistency']; note: string };
}

export interface SourceKindModule<K extends PortKind, Begun = void> {
  kind: K;
  /** Backup order: lower first. */
  order: number;
  /** What is backed up, for people and the job log ("the MongoDB database “pcifm”"). */
  label(port: BackupPorts[K]): string;
  /** Started before the first source is backed up (e.g. counting a bucket beside the database dump). */
  begin?(port: BackupPorts[K], run: BackupRun): Begun;
  backup(port: BackupPorts[K], run: BackupRun, begun: Begun): Promise<BackupPart>;
}

const mongodb: SourceKindModule<'mongodb'> = {
  kind: 'mongodb',
  order: 0,
  label: (port) => `the MongoDB database “${port.database}”`,
  backup: async (port, run) => {
    const m = await backupMongo(port, run.sink, run.ctx, { retry: run.retry, hook: run.hook, batchBytes: run.tuning.mongoBatchBytes });
    return { reports: [m.report], consistency: { consistency: m.consistency, note: m.consistencyNote } };
  },
};

type Totals = Promise<{ objects: number; bytes: number } | null>;

const s3: SourceKindModule<'s3', Totals> = {
  kind: 's3',
  order: 1,
  label: (port) => `the files in the bucket “${port.bucket}”`,
  // Progress totals: the previous restore point's numbers are a good estimate; without one the bucket
  // is counted (a listing) beside the database dump. Either way the bucket is asked something right
  // away, so a wrong key or a missing bucket stops the backup now instead of after the dump.
  begin: (port, run) => {
    const before = run.parent?.stats.sources.find((x) => x.kind === 'r2' && x.name === port.bucket);
    const asked = before ? probeBucket(port.client, port.bucket, run.ctx, run.retry).then(() => ({ objects: before.entries, bytes: before.bytes })) : countBucket(port.client, port.bucket, run.ctx, run.retry);
    return asked.catch((err: unknown) => {
      run.fail(port.mapError ? port.mapError(err) : r2ReadError(err, port.bucket, 'listing'));
      return null;
    });
  },
  backup: async (port, run, totals) => {
    const previous = run.parent ? previousObjectsOf(run.repo.readManifest(run.parent), port.bucket)[Symbol.asyncIterator]() : null;
    const t = run.tuning;
    const report = await backupR2(port, run.sink, run.ctx, {
      retry: run.retry,
      concurrency: t.r2Concurrency,
      pageSize: t.listPageSize,
      previous,
      previousCreatedAt: run.parent?.createdAt,
      metadataRecheckMarginMs: t.r2MetadataRecheckMarginMs,
      totals,
      hook: run.hook,
    });
    return { reports: [report] };
  },
};

const folder: SourceKindModule<'folder'> = {
  kind: 'folder',
  order: 2,
  label: (folders) => (folders.length === 1 ? `the folder ${folders[0]}` : `${folders.length} folders`),
  backup: async (folders, run) => ({ reports: folders.length > 0 ? await backupFolders(folders, run.sink, run.ctx, { hook: run.hook }) : [] }),
};

/** Every kind with a backup module, in backup order. */
export const SOURCE_KINDS = { mongodb, s3, folder } as const satisfies { [K in PortKind]: SourceKindModule<K, unknown> };

/** The kinds of a backup's ports, in the order they are backed up. */
export function backupOrder(ports: Partial<BackupPorts>): PortKind[] {
  return (Object.keys(SOURCE_KINDS) as PortKind[]).filter((k) => ports[k] !== undefined && ports[k] !== null).sort((a, b) => SOURCE_KINDS[a].order - SOURCE_KINDS[b].order);
}
