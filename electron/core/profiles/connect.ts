// Open everything a profile names, for operations (backup, verify, restore, health, …):
//
//   const conn = await connectProfile(engine, 'Office');
//   try { … conn.mongo.client.db(conn.mongo.database) … conn.r2.client.send(…) … conn.destination.store … }
//   finally { await conn.close(); }
//
// MongoDB is connected UP FRONT: a wrong password or a stopped server then fails here, as a plain
// UserError (mapMongoError), before an operation has done any work. The S3 clients connect lazily
// on their first request (the SDK has no "connect"); their errors go through mapS3Error.
// Every secret read on the way is registered with engine.secrets, so logs and history redact it.
import type { MongoClient } from 'mongodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Profile, SecretName } from '../../../shared/profile';
import type { BlobStore } from '../repository';
import type { Engine } from '../engine';
import { mapMongoError } from '../connections/errors';
import { createMongoClient, databaseFromUri, mongoUriSecrets } from '../connections/mongo';
import { createR2Client, requireR2Endpoint } from '../connections/r2';
import { openDestination } from '../connections/destination';
import { requireSecret, resolveSecret, type SecretContext } from './secrets';

export interface ProfileConnections {
  profile: Profile;
  mongo: { client: MongoClient; database: string };
  r2: { client: S3Client; bucket: string };
  destination: { store: BlobStore; describe: string };
  /** The backup passphrase when one is known (env or secret store); undefined otherwise. */
  passphrase?: string;
  /** Close every client (safe to call twice). */
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Server selection timeout for MongoDB (default 5 s). */
  serverSelectionTimeoutMS?: number;
}

export function secretContext(engine: Pick<Engine, 'secretStore' | 'env' | 'secrets'>): SecretContext {
  return {
    store: engine.secretStore,
    env: engine.env,
    register: (value) => engine.secrets.add(value, ...(value.includes('://') ? mongoUriSecrets(value) : [])),
  };
}

/** The secret of `name` for `profile` (registered for redaction), or SECRET_MISSING. */
export function profileSecret(engine: Engine, profile: Profile, name: SecretName): Promise<string> {
  return requireSecret(secretContext(engine), profile, name);
}

/** The destination's secret: its own, or the R2 one when both use the same access key. */
export async function destinationSecret(engine: Engine, profile: Profile): Promise<string | undefined> {
  if (profile.destination.kind !== 's3') return undefined;
  const ctx = secretContext(engine);
  const own = await resolveSecret(ctx, profile, 'destinationSecretAccessKey');
  if (own) return own.value;
  if (profile.destination.accessKeyId === profile.r2.accessKeyId) return (await resolveSecret(ctx, profile, 'r2SecretAccessKey'))?.value;
  return undefined;
}

export async function connectProfile(engine: Engine, name: string, options: ConnectOptions = {}): Promise<ProfileConnections> {
  const profile = engine.profiles.get(name);
  const ctx = secretContext(engine);
  const uri = await requireSecret(ctx, profile, 'mongoUri');
  const r2Secret = await requireSecret(ctx, profile, 'r2SecretAccessKey');
  const destSecret = await destinationSecret(engine, profile);
  const passphrase = (await resolveSecret(ctx, profile, 'backupPassphrase'))?.value;

  const database = profile.mongo.database || databaseFromUri(uri) || '';
  const mongo = createMongoClient(uri, { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS });
  const r2 = createR2Client({ endpoint: requireR2Endpoint(profile.r2), region: profile.r2.region, accessKeyId: profile.r2.accessKeyId, secretAccessKey: r2Secret, forcePathStyle: profile.r2.forcePathStyle });
  let destination: ReturnType<typeof openDestination> | undefined;
  const close = once(async () => {
    r2.destroy();
    destination?.client?.destroy();
    await mongo.close().catch(() => undefined);
  });
  try {
    destination = openDestination(profile.destination, { secretAccessKey: destSecret, r2: profile.r2 });
    await mongo.connect().catch((err: unknown) => {
      throw mapMongoError(err, { uri, database });
    });
  } catch (err) {
    await close();
    throw err;
  }
  engine.log.scope('profiles').info(`connected profile "${profile.name}" (backup location ${destination.describe})`);
  return {
    profile,
    mongo: { client: mongo, database },
    r2: { client: r2, bucket: profile.r2.bucket },
    destination: { store: destination.store, describe: destination.describe },
    passphrase,
    close,
  };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}
