// A profile: one connection — an application and what of it is kept safe (its sources: a MongoDB
// database, a bucket, folders, SQLite files, log files), how file records point at objects (PCI File
// Manager), and where its backups go. Secrets are NOT part of a
// profile: they live in the secret store (safeStorage on the desktop, env vars or a 0600
// credentials file for the CLI and browser mode) under the names in `SecretName`.
import { z } from 'zod';
import { UserError } from './errors';

export const PROFILE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,62}$/;
export const ProfileName = z.string().regex(PROFILE_NAME_RE, 'Use letters, digits, spaces, dots, dashes or underscores (up to 63).');

export const SECRET_NAMES = ['mongoUri', 'r2SecretAccessKey', 'backupPassphrase', 'destinationSecretAccessKey'] as const;
export const SecretName = z.enum(SECRET_NAMES);
export type SecretName = z.infer<typeof SecretName>;

/** Where backups go: a folder, or a bucket + prefix on an S3-compatible store (e.g. a second R2 bucket). */
export const Destination = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('folder'), path: z.string().min(1) }),
  z.object({
    kind: z.literal('s3'),
    endpoint: z.string().url().optional(),
    accountId: z.string().optional(),
    region: z.string().default('auto'),
    bucket: z.string().min(3).max(63),
    prefix: z.string().default(''),
    accessKeyId: z.string().min(1),
    forcePathStyle: z.boolean().default(false),
  }),
]);
export type Destination = z.infer<typeof Destination>;

/** MongoDB: the database of the app (its connection string is the secret 'mongoUri'). */
export const MongoSource = z.object({
  kind: z.literal('mongodb'),
  /** The database the app uses (detected from the URI or picked from listDatabases). */
  database: z.string().min(1).max(63),
});
/** A bucket on R2 or another S3-compatible store (its secret key is the secret 'r2SecretAccessKey'). */
export const S3Source = z.object({
  kind: z.literal('s3'),
  /** Cloudflare account id → https://<account>.r2.cloudflarestorage.com; or a custom `endpoint`. */
  accountId: z.string().optional(),
  endpoint: z.string().url().optional(),
  region: z.string().default('auto'),
  bucket: z.string().min(3).max(63),
  accessKeyId: z.string().min(1),
  forcePathStyle: z.boolean().default(false),
});
/** A folder backed up file by file (configuration, uploaded content). */
export const FolderSource = z.object({ kind: z.literal('folder'), path: z.string().min(1) });
/** One SQLite database file, with the tables exported weekly as SQL text. */
export const SqliteSource = z.object({
  kind: z.literal('sqlite'),
  path: z.string().min(1),
  exportTables: z.array(z.string().min(1)).default([]),
  exportKeepWeeks: z.number().int().positive().default(12),
});
/** The app's own log files: rotated nightly into an archive folder kept for `keepDays`. */
export const AppLogsSource = z.object({
  kind: z.literal('app-logs'),
  paths: z.array(z.string().min(1)).min(1),
  archiveFolder: z.string().min(1),
  keepDays: z.number().int().positive().default(7),
});
export const Source = z.discriminatedUnion('kind', [MongoSource, S3Source, FolderSource, SqliteSource, AppLogsSource]);
export type MongoSource = z.infer<typeof MongoSource>;
export type S3Source = z.infer<typeof S3Source>;
export type FolderSource = z.infer<typeof FolderSource>;
export type SqliteSource = z.infer<typeof SqliteSource>;
export type AppLogsSource = z.infer<typeof AppLogsSource>;
export type Source = z.infer<typeof Source>;
export type SourceKind = Source['kind'];
export type SourceInput = z.input<typeof Source>;

/** What the connection is: PCI File Manager (MongoDB + R2 + folders), a SQLite app, or sources picked by hand. */
export const PRESETS = ['pci', 'sqlite', 'custom'] as const;
export const Preset = z.enum(PRESETS);
export type Preset = z.infer<typeof Preset>;

export const FileRecords = z.object({ collection: z.string().min(1), keyField: z.string().min(1), sizeField: z.string().optional(), deletedField: z.string().optional() });
export type FileRecords = z.infer<typeof FileRecords>;

/** The fields of a profile, without the rules across them (zod cannot omit fields from a refined schema). */
export const ProfileFields = z.object({
  name: ProfileName,
  preset: Preset.default('custom'),
  /**
   * What this connection keeps safe. Secrets are per profile, so at most one MongoDB and one
   * bucket; folders, SQLite files and log sets as many as needed.
   */
  sources: z.array(Source).min(1, 'Add at least one thing to back up.'),
  /** How file records in MongoDB point at objects in the bucket (needs both). */
  fileRecords: FileRecords.nullable().default(null),
  destination: Destination,
  /**
   * Names of environment variables that hold this profile's secrets (CLI `--mongo-uri-env VAR`,
   * `--r2-secret-env VAR`). Only the variable names are stored here, never their values.
   */
  secretEnv: z.partialRecord(SecretName, z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/)).default({}),
  /** Warn on the dashboard when the last good backup is older than this. */
  backupMaxAgeHours: z.number().positive().default(26),
  /** Optional: the app's health URL and version file (pre-update checklist). */
  app: z.object({ healthUrl: z.string().url().optional(), versionFile: z.string().optional() }).default({}),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});

/** The rules across a profile's fields: one MongoDB and one bucket at most; file records only with both. */
export function profileRules(p: Pick<z.infer<typeof ProfileFields>, 'sources' | 'fileRecords'>, ctx: z.RefinementCtx): void {
  for (const kind of ['mongodb', 's3'] as const) {
    if (p.sources.filter((s) => s.kind === kind).length > 1) {
      ctx.addIssue({ code: 'custom', path: ['sources'], message: `Only one ${kind === 'mongodb' ? 'MongoDB database' : 'bucket'} per connection: its password is saved with the connection. Make a second connection for another one.` });
    }
  }
  if (p.fileRecords && !(p.sources.some((s) => s.kind === 'mongodb') && p.sources.some((s) => s.kind === 's3'))) {
    ctx.addIssue({ code: 'custom', path: ['fileRecords'], message: 'File records link a MongoDB database to a bucket: the connection needs both.' });
  }
}

export const Profile = ProfileFields.superRefine(profileRules);
export type Profile = z.infer<typeof Profile>;
export type ProfileInput = z.input<typeof Profile>;

type WithSources = Pick<Profile, 'sources'>;

/** The profile's MongoDB source, if it has one. */
export function mongoSource(p: WithSources): MongoSource | undefined {
  return p.sources.find((s): s is MongoSource => s.kind === 'mongodb');
}
/** The profile's bucket (R2 or S3-compatible), if it has one. */
export function s3Source(p: WithSources): S3Source | undefined {
  return p.sources.find((s): s is S3Source => s.kind === 's3');
}
/** The folders backed up file by file, in the order they were added. */
export function folderPaths(p: WithSources): string[] {
  return p.sources.filter((s): s is FolderSource => s.kind === 'folder').map((s) => s.path);
}
export function sqliteSources(p: WithSources): SqliteSource[] {
  return p.sources.filter((s): s is SqliteSource => s.kind === 'sqlite');
}
export function appLogSources(p: WithSources): AppLogsSource[] {
  return p.sources.filter((s): s is AppLogsSource => s.kind === 'app-logs');
}
/** Whether this connection is PCI File Manager as it was before sources: MongoDB and a bucket, file records possible. */
export function hasMongoAndBucket(p: WithSources): boolean {
  return Boolean(mongoSource(p) && s3Source(p));
}

/** The settings of the profile's MongoDB source, or a plain-words error when it has none. */
export function requireMongoSource(p: Pick<Profile, 'sources' | 'name'>): MongoSource {
  const m = mongoSource(p);
  if (!m) throw missingSource(p.name, 'a MongoDB database');
  return m;
}
/** The settings of the profile's bucket, or a plain-words error when it has none. */
export function requireS3Source(p: Pick<Profile, 'sources' | 'name'>): S3Source {
  const b = s3Source(p);
  if (!b) throw missingSource(p.name, 'a bucket (R2 or S3-compatible storage)');
  return b;
}
export function missingSource(name: string, what: string): UserError {
  return new UserError({
    code: 'NOT_AVAILABLE',
    title: 'Not part of this connection',
    message: `The connection "${name}" has no ${what.replace(/^an? /, '')}, so this step does not apply to it.`,
    hint: `Add ${what} to the connection (Settings → Connections, or "pci-maint profile set"), or skip this step.`,
  });
}

/** The R2 endpoint for an account id, or the custom endpoint. */
export function r2Endpoint(r2: Pick<S3Source, 'accountId' | 'endpoint'>): string | undefined {
  if (r2.endpoint) return r2.endpoint;
  if (r2.accountId) return `https://${r2.accountId}.r2.cloudflarestorage.com`;
  return undefined;
}
