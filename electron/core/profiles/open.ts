// Open a saved profile: the one place that turns a profile into live handles (DESIGN §2). Ask for what
// the operation needs, get typed handles and one disposer:
//
//   const opened = await openProfile(engine, 'Office', { mongo: true, repository: 'create' });
//   try { … opened.mongo.client.db(opened.mongo.database) … opened.repo … }
//   finally { await opened.close(); }
//
// MongoDB is connected UP FRONT: a wrong password or a stopped server then fails here, as a plain
// UserError (mapMongoError), before the operation has done any work. S3 clients connect lazily on
// their first request (the SDK has no "connect"); their errors go through mapS3Error at the caller.
// Every secret read on the way, and a passphrase typed now, is registered with engine.secrets first,
// so logs and history redact it. Nothing else in core builds a client from a profile: features call
// openProfile, and "Test connection" (which checks settings not saved yet) uses the builders below.
import type { MongoClient } from 'mongodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { requireMongoSource, requireS3Source, s3Source, type Profile, type S3Source, type SecretName } from '../../../shared/profile';
import type { Services } from '../services';
import type { BlobStore, Repository } from '../repository';
import { mapMongoError } from '../connections/errors';
import { createMongoClient, databaseFromUri, mongoUriSecrets } from '../connections/mongo';
import { createR2Client, requireR2Endpoint, type R2ClientOptions } from '../connections/r2';
import { openDestination } from '../connections/destination';
import { openBackupLocation } from '../backup/location';
import { requireSecret, resolveSecret, type SecretContext } from './secrets';

type EngineSecrets = Pick<Services, 'secretStore' | 'env' | 'secrets'>;

export interface MongoHandle {
  client: MongoClient;
  database: string;
}
export interface BucketHandle {
  client: S3Client;
  bucket: string;
}
export interface LocationHandle {
  store: BlobStore;
  /** Where it is, for people: a folder path or s3://bucket/prefix at host. */
  describe: string;
}

/** Client settings for short probes (health, the checklist): fail fast instead of retrying for long. */
export interface Tuning {
  timeoutMs?: number;
  maxAttempts?: number;
}

export interface Need extends Tuning {
  /** The profile's MongoDB, connected (a profile without a MongoDB source fails with a plain NOT_AVAILABLE). */
  mongo?: boolean;
  /** The profile's R2 (or S3-compatible) bucket (likewise, when it has none). */
  r2?: boolean;
  /** The backup location as a store, not opened as a repository (listing "is anything there?"). */
  location?: boolean;
  /** The backup location opened as a repository; 'create' sets an empty one up (backups, import). */
  repository?: boolean | 'create';
  /** A passphrase typed now; else the remembered one (env or secret store) is used. */
  passphrase?: string;
}

/** A handle asked for with `true` is there; with a runtime boolean it may be null; not asked: null. */
type Slot<V, T> = V extends true | 'create' ? T : V extends false | undefined ? null : T | null;

export interface OpenedProfile<N extends Need = Need> {
  profile: Profile;
  mongo: Slot<N['mongo'], MongoHandle>;
  r2: Slot<N['r2'], BucketHandle>;
  location: N['repository'] extends true | 'create' ? LocationHandle : Slot<N['location'], LocationHandle>;
  repo: Slot<N['repository'], Repository>;
  /** True when this open set the backup location up (repository: 'create' on an empty location). */
  created: boolean;
  /** The passphrase typed now, else the remembered one; undefined when neither exists. */
  passphrase: string | undefined;
  /** Close every client (safe to call twice). */
  close(): Promise<void>;
}

export function secretContext(engine: EngineSecrets): SecretContext {
  return { store: engine.secretStore, env: engine.env, register: (value) => registerSecret(engine, value) };
}

/** Register a secret for redaction; a connection string also registers its password part. */
export function registerSecret(engine: Pick<Services, 'secrets'>, value: string | undefined): void {
  if (value) engine.secrets.add(value, ...(value.includes('://') ? mongoUriSecrets(value) : []));
}

/** The secret of `name` for `profile` (registered for redaction), or SECRET_MISSING. */
export function profileSecret(engine: EngineSecrets, profile: Profile, name: SecretName): Promise<string> {
  return requireSecret(secretContext(engine), profile, name);
}

/** The destination's secret: its own, or the R2 one when both use the same access key. */
export async function destinationSecret(engine: EngineSecrets, profile: Profile): Promise<string | undefined> {
  if (profile.destination.kind !== 's3') return undefined;
  const ctx = secretContext(engine);
  const own = await resolveSecret(ctx, profile, 'destinationSecretAccessKey');
  if (own) return own.value;
  if (profile.destination.accessKeyId === s3Source(profile)?.accessKeyId) return (await resolveSecret(ctx, profile, 'r2SecretAccessKey'))?.value;
  return undefined;
}

/** The passphrase typed now (registered), else the profile's remembered one. */
export async function profilePassphrase(engine: EngineSecrets, profile: Profile, typed?: string): Promise<string | undefined> {
  if (typed) {
    registerSecret(engine, typed);
    return typed;
  }
  return (await resolveSecret(secretContext(engine), profile, 'backupPassphrase'))?.value;
}

/** An S3 client for R2 settings (saved or being tested). */
export function bucketClient(r2: Pick<S3Source, 'endpoint' | 'accountId' | 'region' | 'accessKeyId' | 'forcePathStyle'>, secretAccessKey: string, tuning: Tuning = {}): S3Client {
  const options: R2ClientOptions = { endpoint: requireR2Endpoint(r2), region: r2.region, accessKeyId: r2.accessKeyId, secretAccessKey, forcePathStyle: r2.forcePathStyle };
  if (tuning.maxAttempts !== undefined) options.maxAttempts = tuning.maxAttempts;
  if (tuning.timeoutMs !== undefined) Object.assign(options, { connectionTimeoutMs: tuning.timeoutMs, requestTimeoutMs: tuning.timeoutMs });
  return createR2Client(options);
}

/** A MongoDB client for a connection string and database (saved or being tested), connected. */
export async function connectMongo(uri: string, database: string, tuning: Tuning = {}): Promise<MongoHandle & { close(): Promise<void> }> {
  const client = createMongoClient(uri, tuning.timeoutMs !== undefined ? { serverSelectionTimeoutMS: tuning.timeoutMs, connectTimeoutMS: tuning.timeoutMs } : {});
  try {
    await client.connect();
  } catch (err) {
    await client.close().catch(() => undefined);
    throw mapMongoError(err, { uri, database });
  }
  return { client, database, close: () => client.close().catch(() => undefined) };
}

export async function openProfile<const N extends Need>(engine: Services, nameOrProfile: string | Profile, need: N): Promise<OpenedProfile<N>> {
  const profile = typeof nameOrProfile === 'string' ? engine.profiles.get(nameOrProfile) : nameOrProfile;
  const closers: (() => Promise<void> | void)[] = [];
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      for (const c of closers.reverse()) await c();
    })());
  const tuning: Tuning = { timeoutMs: need.timeoutMs, maxAttempts: need.maxAttempts };
  try {
    // What the profile lacks fails first, then secrets, all of them: a missing one fails before any
    // connection is made.
    const mongoSettings = need.mongo ? requireMongoSource(profile) : undefined;
    const s3Settings = need.r2 ? requireS3Source(profile) : undefined;
    const passphrase = await profilePassphrase(engine, profile, need.passphrase);
    const uri = need.mongo ? await profileSecret(engine, profile, 'mongoUri') : undefined;
    const r2Secret = need.r2 ? await profileSecret(engine, profile, 'r2SecretAccessKey') : undefined;
    const wantsLocation = Boolean(need.location || need.repository);
    const destSecret = wantsLocation ? await destinationSecret(engine, profile) : undefined;

    let mongo: MongoHandle | null = null;
    if (uri !== undefined && mongoSettings) {
      const connected = await connectMongo(uri, mongoSettings.database || databaseFromUri(uri) || '', tuning);
      closers.push(connected.close);
      mongo = { client: connected.client, database: connected.database };
    }
    let r2: BucketHandle | null = null;
    if (r2Secret !== undefined && s3Settings) {
      const client = bucketClient(s3Settings, r2Secret, tuning);
      closers.push(() => client.destroy());
      r2 = { client, bucket: s3Settings.bucket };
    }
    let location: LocationHandle | null = null;
    let repo: Repository | null = null;
    let created = false;
    if (wantsLocation) {
      const destination = openDestination(profile.destination, { secretAccessKey: destSecret, r2: s3Source(profile) });
      closers.push(() => destination.client?.destroy());
      location = { store: destination.store, describe: destination.describe };
      if (need.repository) {
        const opened = await openBackupLocation(destination.store, { passphrase, createIfEmpty: need.repository === 'create' });
        repo = opened.repo;
        created = opened.created;
      }
    }
    return { profile, mongo, r2, location, repo, created, passphrase, close } as OpenedProfile<N>;
  } catch (err) {
    await close();
    throw err;
  }
}

/** Open, run `fn`, close: the usual shape of a short operation. */
export async function withProfile<const N extends Need, T>(engine: Services, nameOrProfile: string | Profile, need: N, fn: (opened: OpenedProfile<N>) => Promise<T>): Promise<T> {
  const opened = await openProfile(engine, nameOrProfile, need);
  try {
    return await fn(opened);
  } finally {
    await opened.close();
  }
}
