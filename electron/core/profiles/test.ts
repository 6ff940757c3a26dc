// "Test connection": the checks of a saved profile, or of settings being typed in the wizard (a blank
// secret then means "the one saved for `profile`"). Secrets are registered before any use.
import { R2Settings, type CheckReport, type MappingProposal, type SecretsInput } from '../../../shared/api/profiles';
import { mongoSource, s3Source, type Destination, type SecretName } from '../../../shared/profile';
import { userError } from '../../../shared/errors';
import type { Services } from '../services';
import { CheckList, report, type CheckOptions } from '../connections/checks';
import { checkMongo } from '../connections/mongo-checks';
import { checkBucket } from '../connections/r2-checks';
import { checkDestination } from '../connections/destination';
import { databaseFromUri } from '../connections/mongo';
import { requireR2Endpoint } from '../connections/r2';
import { detectMapping } from '../connections/detect';
import { mapMongoError, mapS3Error } from '../connections/errors';
import { bucketClient, connectMongo, destinationSecret, secretContext } from './open';
import { requireSecret } from './secrets';
import { registerSecrets } from './service';

/** The typed secret, else the one saved for `profile`, else SECRET_MISSING. */
async function secretFor(engine: Services, typed: string | undefined, profileName: string | undefined, name: SecretName): Promise<string> {
  if (typed) {
    registerSecrets(engine, { [name]: typed } as SecretsInput);
    return typed;
  }
  const profile = profileName ? engine.profiles.find(profileName) : undefined;
  if (profile) return requireSecret(secretContext(engine), profile, name);
  throw userError('SECRET_MISSING', 'Missing', name === 'mongoUri' ? 'No connection string was entered.' : 'No secret access key was entered.', name === 'mongoUri' ? 'Paste the MongoDB connection string of PCI File Manager.' : 'Paste the Secret Access Key of the R2 API token.');
}

function failed(id: string, label: string, err: unknown): CheckReport {
  const list = new CheckList();
  list.fail(id, label, err);
  return report(list.checks);
}

export async function testMongoSettings(engine: Services, input: { uri?: string; database?: string; profile?: string; recordsCollection?: string }, options: CheckOptions = {}): Promise<CheckReport> {
  let uri: string;
  try {
    uri = await secretFor(engine, input.uri, input.profile, 'mongoUri');
  } catch (err) {
    return failed('mongo.uri', 'Connection string', err);
  }
  return checkMongo({ uri, database: input.database || undefined, recordsCollection: input.recordsCollection }, options);
}

export async function testR2Settings(engine: Services, input: { r2: R2Settings; secretAccessKey?: string; profile?: string }, options: CheckOptions = {}): Promise<CheckReport> {
  let endpoint: string;
  let secret: string;
  try {
    endpoint = requireR2Endpoint(input.r2);
    secret = await secretFor(engine, input.secretAccessKey, input.profile, 'r2SecretAccessKey');
  } catch (err) {
    return failed('r2.reachable', 'Storage address reachable', err);
  }
  const r2 = R2Settings.parse(input.r2);
  return checkBucket({ endpoint, bucket: r2.bucket, accessKeyId: r2.accessKeyId, secretAccessKey: secret, region: r2.region, forcePathStyle: r2.forcePathStyle }, options);
}

export async function testDestinationSettings(
  engine: Services,
  input: { destination: Destination; r2?: Partial<R2Settings>; secretAccessKey?: string; profile?: string; requiredBytes?: number | null },
  options: CheckOptions = {},
): Promise<CheckReport> {
  let secret = input.secretAccessKey;
  if (secret) registerSecrets(engine, { destinationSecretAccessKey: secret });
  const saved = input.profile ? engine.profiles.find(input.profile) : undefined;
  if (!secret && saved && input.destination.kind === 's3') {
    secret = await destinationSecret(engine, { ...saved, destination: input.destination });
  }
  return checkDestination({ destination: input.destination, secretAccessKey: secret, r2: input.r2 ?? (saved ? s3Source(saved) : undefined), requiredBytes: input.requiredBytes }, options);
}

/** Every check of a saved profile: its MongoDB and its bucket (when it has them), then the backup location. */
export async function testProfile(engine: Services, name: string, options: CheckOptions & { requiredBytes?: number | null } = {}): Promise<CheckReport> {
  const profile = engine.profiles.get(name);
  const m = mongoSource(profile);
  const b = s3Source(profile);
  const [mongo, r2, dest] = await Promise.all([
    m ? testMongoSettings(engine, { profile: name, database: m.database, recordsCollection: profile.fileRecords?.collection }, options) : null,
    b ? testR2Settings(engine, { profile: name, r2: b }, options) : null,
    testDestinationSettings(engine, { profile: name, destination: profile.destination, requiredBytes: options.requiredBytes }, options),
  ]);
  const checks = [...(mongo?.checks ?? []), ...(r2?.checks ?? []), ...dest.checks];
  return { ...report(checks), ...(mongo ? { mongo: mongo.mongo } : {}), destination: dest.destination };
}

export async function detectMappingSettings(
  engine: Services,
  input: { mongo: { uri?: string; database: string; profile?: string }; r2: R2Settings; secretAccessKey?: string; profile?: string },
): Promise<MappingProposal> {
  const uri = await secretFor(engine, input.mongo.uri, input.mongo.profile ?? input.profile, 'mongoUri');
  const secret = await secretFor(engine, input.secretAccessKey, input.profile, 'r2SecretAccessKey');
  const r2 = R2Settings.parse(input.r2);
  const database = input.mongo.database || databaseFromUri(uri) || '';
  const s3 = bucketClient(r2, secret, { maxAttempts: 2 });
  let mongo: Awaited<ReturnType<typeof connectMongo>> | undefined;
  try {
    mongo = await connectMongo(uri, database);
    return await detectMapping(mongo.client.db(database), s3, r2.bucket).catch((err: unknown) => {
      const e = err as { name?: string };
      throw e.name?.startsWith('Mongo') ? mapMongoError(err, { uri, database }) : mapS3Error(err, { bucket: r2.bucket });
    });
  } finally {
    s3.destroy();
    await mongo?.close();
  }
}
