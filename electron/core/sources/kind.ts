// One interface for every kind of source a connection backs up, and the registry of kinds. A kind
// module says, in plain words, what it backs up, and how a backup of it starts and runs into
// manifest entries through the BackupSink. runBackup
// iterates the registry in its order: the database first, then the bucket (so every file record in
// the dump has its object), then everything else. Clients are made by openProfile (profiles/open.ts)
// and reach a kind as its port; a kind never reads secrets or builds a client itself.
//
// Verification, restore and description go through the same modules: `verify` checks a kind's own
// entries beyond the blobs (the MongoDB test restore; a SQLite file rebuilt and checked by SQLite),
// `planRestore` says what a restore would change and `restore` puts the part back with swap-in, for
// kinds whose part is restored on its own. MongoDB, the bucket and the folders are restored together
// by restore/restore.ts (collections staged, objects put, then switched), so they have no `restore` here.
//
// Adding a kind (see docs/architecture.md, "How to add a source kind"): its settings in
// shared/profile.ts (the `Source` union), its port in `BackupPorts` below, a module with `backup`
// (and `begin` when something must start before the first source runs), a line in SOURCE_KINDS;
// then `verify`, `planRestore` + `restore` and `describe` where the kind allows.
import type { MongoClient } from 'mongodb';
import type { PlanSource, RestoreSummary } from '../../../shared/api/restore';
import type { VerifyDepth, VerifyResult } from '../../../shared/api/verify';
import type { OperationContext } from '../../../shared/jobs';
import type { ManifestEntry, Repository, SnapshotHeader } from '../repository';
import type { SnapshotIndex } from '../restore/snapshot-index';
import type { ProblemLog } from '../verify/problems';
import { testRestore, type MongoParts } from '../verify/test-restore';
import { UserError } from '../../../shared/errors';
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

/** What a verification hands a kind's own check, by kind: only what the check needs (most need nothing). */
export interface VerifyPorts {
  /** The MongoDB server the backup came from: the test restore uses scratch collections on it. */
  mongodb: { client: MongoClient; database?: string };
}
export type SourceCheck = NonNullable<VerifyResult['sourceChecks']>[number];

/** One verification as a kind's check sees it: the restore points verified, with their entries of the kind. */
export interface KindVerifyRun {
  repo: Repository;
  /** Oldest first; each with its manifest entries of the kinds the check asked for (`entries`). */
  points: { header: SnapshotHeader; entries: ManifestEntry[] }[];
  ctx: OperationContext;
  /** Where problems go, each naming its restore point and path. */
  problems: ProblemLog;
  hook?: (point: string) => Promise<void>;
  /** Where scratch files go (rebuilt databases); default: the system's temporary folder. */
  tmpDir?: string;
}

export interface KindVerifyPart {
  checks: SourceCheck[];
  /** The MongoDB test restore's numbers. */
  restored?: { collections: number; documents: number };
}

export interface KindVerify<K extends PortKind> {
  /** The manifest entry kinds the check reads (collected while the file lists are scanned). */
  entries: readonly ManifestEntry['kind'][];
  /** Whether this verification runs the check (e.g. only with a test restore, or a full check). */
  runs(options: { depth: VerifyDepth; testRestore: boolean }): boolean;
  check(port: (K extends keyof VerifyPorts ? VerifyPorts[K] : never) | null, run: KindVerifyRun): Promise<KindVerifyPart>;
}

/** What a restore preview and a restore hand a kind: the restore point read once, the run's context. */
export interface KindRestoreRun {
  repo: Repository;
  index: SnapshotIndex;
  ctx: Pick<OperationContext, 'signal' | 'log'> & Partial<OperationContext>;
}

export interface KindPlan {
  sources: PlanSource[];
  warnings: string[];
}

export type RestoredSource = NonNullable<RestoreSummary['sources']>[number];

export interface KindRestoreOptions {
  /** When the app has a file open: how long to wait for it to close it (0: do not wait, say so). */
  waitForCloseMs?: number;
  hook?: (point: string) => Promise<void>;
}

/** Sizes and counts of a live source, for health and the pre-update checklist's baseline. */
export interface SourceDescription {
  kind: PortKind;
  name: string;
  /** Where it is (a file path), never a secret. */
  where: string;
  bytes: number | null;
  /** Counted items (tables and their rows, …). */
  items: { name: string; count: number }[];
  /** Why it could not be looked at, in plain words; null when it could. */
  problem: string | null;
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
  /** The kind's own check of its entries in a verification, beyond every blob being sound. */
  verify?: KindVerify<K>;
  /** The preview of restoring this kind's part: what changes. Changes nothing. */
  planRestore?(port: BackupPorts[K] | undefined, run: KindRestoreRun): Promise<KindPlan>;
  /** The pieces of the restore point restoring this planned source reads (all checked before anything changes). */
  chunks?(source: PlanSource, index: SnapshotIndex): { id: string; size: number }[];
  /** Before anything changes (before the safety backup): refuses, in plain words, a restore that cannot go ahead now. */
  precheck?(source: PlanSource, options: KindRestoreOptions): Promise<void>;
  /** Puts one planned source back, with swap-in; throws a plain-words error when it cannot. */
  restore?(source: PlanSource, run: KindRestoreRun, options: KindRestoreOptions): Promise<RestoredSource>;
  /** Sizes and counts now (cheap: no copy is made). */
  describe?(port: BackupPorts[K]): Promise<SourceDescription[]>;
}

const mongodb: SourceKindModule<'mongodb'> = {
  kind: 'mongodb',
  order: 0,
  label: (port) => `the MongoDB database “${port.database}”`,
  backup: async (port, run) => {
    const m = await backupMongo(port, run.sink, run.ctx, { retry: run.retry, hook: run.hook, batchBytes: run.tuning.mongoBatchBytes });
    return { reports: [m.report], consistency: { consistency: m.consistency, note: m.consistencyNote } };
  },
  // The test restore: the newest restore point's collections restored into scratch collections.
  verify: {
    entries: ['mongo-collection', 'mongo-metadata'],
    runs: (o) => o.testRestore,
    check: async (port, run) => {
      const target = run.points[run.points.length - 1];
      const parts: MongoParts = { collections: [], metadata: [] };
      for (const e of target?.entries ?? []) {
        if (e.kind === 'mongo-collection') parts.collections.push(e);
        else if (e.kind === 'mongo-metadata') parts.metadata.push(e);
      }
      if (!target || parts.collections.length === 0) {
        run.ctx.log('info', 'This restore point has no database part: nothing to test-restore.');
        return { checks: [] };
      }
      if (!port) throw new UserError({ code: 'INVALID_INPUT', title: 'No database connection', message: 'A test restore needs the MongoDB connection of the profile.', hint: 'Check the connection in Settings, or verify without a test restore.' });
      const restored = await testRestore(run.repo, port.client, target.header.id, parts, run.problems, run.ctx, port.database, run.hook);
      return { checks: [], restored: { collections: restored.collections, documents: restored.documents } };
    },
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

type AnyKindModule = SourceKindModule<PortKind, unknown>;
const KINDS = Object.keys(SOURCE_KINDS) as PortKind[];

/** A kind's module, for a kind named in a plan or a restore point. */
export function kindModule(kind: string): AnyKindModule | null {
  return Object.hasOwn(SOURCE_KINDS, kind) ? (SOURCE_KINDS[kind as PortKind] as AnyKindModule) : null;
}

/** The kinds whose part is previewed and restored through their own module, in backup order. */
export function restoringKinds(): { kind: PortKind; module: AnyKindModule & Required<Pick<AnyKindModule, 'planRestore'>> }[] {
  return KINDS.map((kind) => ({ kind, module: SOURCE_KINDS[kind] as AnyKindModule }))
    .filter((k): k is { kind: PortKind; module: AnyKindModule & Required<Pick<AnyKindModule, 'planRestore'>> } => Boolean(k.module.planRestore))
    .sort((a, b) => a.module.order - b.module.order);
}

/** The kinds whose own check runs in this verification, each with its check. */
export function verifyingKinds(options: { depth: VerifyDepth; testRestore: boolean }): { kind: PortKind; check: KindVerify<PortKind> }[] {
  return KINDS.flatMap((kind) => {
    const check = (SOURCE_KINDS[kind] as AnyKindModule).verify;
    return check?.runs(options) ? [{ kind, check }] : [];
  });
}

/** The kinds of a backup's ports, in the order they are backed up. */
export function backupOrder(ports: Partial<BackupPorts>): PortKind[] {
  return (Object.keys(SOURCE_KINDS) as PortKind[]).filter((k) => ports[k] !== undefined && ports[k] !== null).sort((a, b) => SOURCE_KINDS[a].order - SOURCE_KINDS[b].order);
}
