// A profile: one PCI File Manager installation — its MongoDB, its R2 bucket, its configuration
// folders, how file records point at objects, and where its backups go. Secrets are NOT part of a
// profile: they live in the secret store (safeStorage on the desktop, env vars or a 0600
// credentials file for the CLI and browser mode) under the names in `SecretName`.
import { z } from 'zod';

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

export const Profile = z.object({
  name: ProfileName,
  mongo: z.object({
    /** The database PCI File Manager uses (detected from the URI or picked from listDatabases). */
    database: z.string().min(1).max(63),
  }),
  r2: z.object({
    /** Cloudflare account id → https://<account>.r2.cloudflarestorage.com; or a custom `endpoint`. */
    accountId: z.string().optional(),
    endpoint: z.string().url().optional(),
    region: z.string().default('auto'),
    bucket: z.string().min(3).max(63),
    accessKeyId: z.string().min(1),
    forcePathStyle: z.boolean().default(false),
  }),
  folders: z.array(z.string().min(1)).default([]),
  fileRecords: z
    .object({ collection: z.string().min(1), keyField: z.string().min(1), sizeField: z.string().optional(), deletedField: z.string().optional() })
    .nullable()
    .default(null),
  destination: Destination,
  /**
   * Names of environment variables that hold this profile's secrets (CLI `--mongo-uri-env VAR`,
   * `--r2-secret-env VAR`). Only the variable names are stored here, never their values.
   */
  secretEnv: z.partialRecord(SecretName, z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/)).default({}),
  /** Warn on the dashboard when the last good backup is older than this. */
  backupMaxAgeHours: z.number().positive().default(26),
  /** Optional: PCI File Manager's health URL and version file (pre-update checklist). */
  app: z.object({ healthUrl: z.string().url().optional(), versionFile: z.string().optional() }).default({}),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type Profile = z.infer<typeof Profile>;
export type ProfileInput = z.input<typeof Profile>;

/** The R2 endpoint for an account id, or the custom endpoint. */
export function r2Endpoint(r2: Pick<Profile['r2'], 'accountId' | 'endpoint'>): string | undefined {
  if (r2.endpoint) return r2.endpoint;
  if (r2.accountId) return `https://${r2.accountId}.r2.cloudflarestorage.com`;
  return undefined;
}
