// What the "Connect PCI File Manager" wizard has been told so far, and what its tests found. Secrets
// typed here stay in this store only until the connection is saved (then the store is reset).
import { create } from 'zustand';
import type { CheckReport, MappingProposal, ProfileView } from '../../../shared/contract';
import { appLogSources, folderPaths, mongoSource, s3Source, sqliteSources, type Preset, type Profile, type SourceInput } from '../../../shared/profile';
import type { UserErrorData } from '../../../shared/errors';

export interface ConnectForm {
  /** Set when editing a saved connection: blank secrets then mean "keep the saved one". */
  editing: string | null;
  /** What is kept safe: PCI File Manager (MongoDB + R2), a SQLite app, or files picked by hand. */
  preset: Preset;
  name: string;
  mongoUri: string;
  database: string;
  r2Kind: 'r2' | 'custom';
  accountId: string;
  endpoint: string;
  /** Other S3-compatible storage only: the region the service asks for ("auto" where it has none). */
  region: string;
  /** Other S3-compatible storage only: the bucket in the path of the address, not in its host name. */
  forcePathStyle: boolean;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  records: { collection: string; keyField: string; sizeField: string; deletedField: string };
  /** SQLite app and custom: the database file, content folders and log files (one per line). */
  sqlitePath: string;
  folders: string;
  logs: string;
  logArchive: string;
  destKind: 'folder' | 's3';
  destPath: string;
  destBucket: string;
  destPrefix: string;
}

export interface ConnectState {
  form: ConnectForm;
  /** The saved profile being edited: its settings the wizard does not show are kept as they are. */
  base: Profile | null;
  /** Each test remembers the values it tested, so changing a value asks for a new test. */
  mongoTest: { key: string; report: CheckReport } | null;
  r2Test: { key: string; report: CheckReport } | null;
  destTest: { key: string; report: CheckReport } | null;
  mapping: { key: string; proposal: MappingProposal } | null;
  mappingError: UserErrorData | null;
  /** Auto-detect of the file records is running. */
  detecting: boolean;
  saveError: UserErrorData | null;
  set(patch: Partial<ConnectForm>): void;
  patch(patch: Partial<Omit<ConnectState, 'form' | 'base' | 'set' | 'patch' | 'reset' | 'startEdit'>>): void;
  reset(): void;
  startEdit(view: ProfileView): void;
}

export const EMPTY_FORM: ConnectForm = {
  editing: null,
  preset: 'pci',
  name: 'PCI File Manager',
  mongoUri: '',
  database: '',
  r2Kind: 'r2',
  accountId: '',
  endpoint: '',
  region: 'auto',
  // Most self-hosted S3-compatible servers (MinIO, Ceph, Garage) and the demo need the bucket in the path.
  forcePathStyle: true,
  bucket: '',
  accessKeyId: '',
  secretAccessKey: '',
  records: { collection: '', keyField: '', sizeField: '', deletedField: '' },
  sqlitePath: '',
  folders: '',
  logs: '',
  logArchive: '',
  destKind: 'folder',
  destPath: '',
  destBucket: '',
  destPrefix: '',
};

const CLEAN = { mongoTest: null, r2Test: null, destTest: null, mapping: null, mappingError: null, detecting: false, saveError: null };

export const useConnect = create<ConnectState>((set) => ({
  form: EMPTY_FORM,
  base: null,
  ...CLEAN,
  set: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
  patch: (patch) => set(patch),
  reset: () => set({ form: EMPTY_FORM, base: null, ...CLEAN }),
  startEdit: ({ profile: p }) => {
    const m = mongoSource(p);
    const b = s3Source(p);
    set({
      ...CLEAN,
      base: p,
      form: {
        ...EMPTY_FORM,
        editing: p.name,
        preset: p.preset,
        name: p.name,
        sqlitePath: sqliteSources(p)[0]?.path ?? '',
        folders: folderPaths(p).join('\n'),
        logs: appLogSources(p)[0]?.paths.join('\n') ?? '',
        logArchive: appLogSources(p)[0]?.archiveFolder ?? '',
        database: m?.database ?? '',
        r2Kind: b?.endpoint ? 'custom' : 'r2',
        accountId: b?.accountId ?? '',
        endpoint: b?.endpoint ?? '',
        region: b?.region ?? EMPTY_FORM.region,
        forcePathStyle: b?.endpoint ? b.forcePathStyle : EMPTY_FORM.forcePathStyle,
        bucket: b?.bucket ?? '',
        accessKeyId: b?.accessKeyId ?? '',
        records: {
          collection: p.fileRecords?.collection ?? '',
          keyField: p.fileRecords?.keyField ?? '',
          sizeField: p.fileRecords?.sizeField ?? '',
          deletedField: p.fileRecords?.deletedField ?? '',
        },
        destKind: p.destination.kind,
        destPath: p.destination.kind === 'folder' ? p.destination.path : '',
        destBucket: p.destination.kind === 's3' ? p.destination.bucket : '',
        destPrefix: p.destination.kind === 's3' ? p.destination.prefix : '',
      },
    });
  },
}));

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

/**
 * The sources of the form: PCI File Manager's database and bucket, or the files of a SQLite app or a
 * custom connection; the saved connection's sources of the kinds this wizard does not show are kept.
 */
export function formSources(f: ConnectForm, base: Profile | null): SourceInput[] {
  if (f.preset === 'pci') {
    return [{ kind: 'mongodb', database: f.database.trim() }, { kind: 's3', ...r2Settings(f) }, ...(base?.sources ?? []).filter((s) => s.kind !== 'mongodb' && s.kind !== 's3')];
  }
  const savedSqlite = base ? sqliteSources(base)[0] : undefined;
  const savedLogs = base ? appLogSources(base)[0] : undefined;
  const logs = lines(f.logs);
  return [
    ...(base?.sources ?? []).filter((s) => s.kind === 'mongodb' || s.kind === 's3'),
    ...lines(f.folders).map((path): SourceInput => ({ kind: 'folder', path })),
    ...(f.sqlitePath.trim() ? [{ ...savedSqlite, kind: 'sqlite' as const, path: f.sqlitePath.trim() }] : []),
    ...(logs.length > 0 ? [{ ...savedLogs, kind: 'app-logs' as const, paths: logs, archiveFolder: f.logArchive.trim() }] : []),
  ];
}

/** The R2 settings of the form, as the API takes them. */
export function r2Settings(f: ConnectForm) {
  return {
    bucket: f.bucket.trim(),
    accessKeyId: f.accessKeyId.trim(),
    ...(f.r2Kind === 'r2' ? { accountId: f.accountId.trim() } : { endpoint: f.endpoint.trim(), region: f.region.trim() || 'auto', forcePathStyle: f.forcePathStyle }),
  };
}

/** The backup location of the form, as the API takes it. */
export function destination(f: ConnectForm) {
  if (f.destKind === 'folder') return { kind: 'folder' as const, path: f.destPath.trim() };
  const r2 = r2Settings(f);
  return { kind: 's3' as const, bucket: f.destBucket.trim(), prefix: f.destPrefix.trim(), accessKeyId: r2.accessKeyId, ...('endpoint' in r2 ? { endpoint: r2.endpoint, region: r2.region, forcePathStyle: r2.forcePathStyle } : { accountId: r2.accountId }) };
}

/** A fingerprint of the values a test used (kept in memory only, like the form itself). */
export function testKey(...parts: unknown[]): string {
  return JSON.stringify(parts);
}
