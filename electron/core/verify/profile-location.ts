// A saved profile's backup location and (when needed) its MongoDB, opened for verify, export and
// import. Verification needs only the backup location: it must work while the database or R2 is
// down, which is exactly when people want to know whether their backups are good.
import type { MongoClient } from 'mongodb';
import type { Profile } from '../../../shared/profile';
import type { Engine } from '../engine';
import { openDestination } from '../connections/destination';
import { mapMongoError } from '../connections/errors';
import { createMongoClient, databaseFromUri } from '../connections/mongo';
import { destinationSecret, secretContext } from '../profiles/connect';
import { requireSecret, resolveSecret } from '../profiles/secrets';
import type { BlobStore } from '../repository';

export interface ProfileLocation {
  profile: Profile;
  store: BlobStore;
  describe: string;
  /** Typed now, else the profile's remembered one; undefined when neither exists. */
  passphrase?: string;
  close(): void;
}

export async function openProfileLocation(engine: Engine, name: string, typedPassphrase?: string): Promise<ProfileLocation> {
  const profile = engine.profiles.get(name);
  if (typedPassphrase) engine.secrets.add(typedPassphrase);
  const passphrase = typedPassphrase ?? (await resolveSecret(secretContext(engine), profile, 'backupPassphrase'))?.value;
  const destination = openDestination(profile.destination, { secretAccessKey: await destinationSecret(engine, profile), r2: profile.r2 });
  return { profile, store: destination.store, describe: destination.describe, passphrase, close: () => destination.client?.destroy() };
}

export interface ProfileMongo {
  client: MongoClient;
  database: string;
  close(): Promise<void>;
}

/** The profile's MongoDB, connected (a wrong password or a stopped server fails here, in plain words). */
export async function connectProfileMongo(engine: Engine, profile: Profile): Promise<ProfileMongo> {
  const uri = await requireSecret(secretContext(engine), profile, 'mongoUri');
  const database = profile.mongo.database || databaseFromUri(uri) || '';
  const client = createMongoClient(uri);
  try {
    await client.connect();
  } catch (err) {
    await client.close().catch(() => undefined);
    throw mapMongoError(err, { uri, database });
  }
  return { client, database, close: () => client.close().catch(() => undefined) };
}
