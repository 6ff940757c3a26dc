// Profiles as the API and the CLI see them: saved with their secrets kept apart, shown with secrets
// masked, removed with their secrets.
import type { ProfileView, SecretsInput, SecretStatus } from '../../../shared/api/profiles';
import { SECRET_NAMES, type Profile, type ProfileInput, type SecretName } from '../../../shared/profile';
import type { Services } from '../services';
import { databaseFromUri, maskMongoUri } from '../connections/mongo';
import { registerSecret, secretContext } from './open';
import { resolveSecret, type ResolvedSecret } from './secrets';
import { forgetBucketCount } from '../health/bucket-count';
import { TriggerTokenStore } from '../trigger/tokens';

const MASK = '••••••••';

/** Every secret of a connection as it would be found now (environment, secret store), each looked up once. */
async function findSecrets(engine: Services, profile: Pick<Profile, 'name' | 'secretEnv'>): Promise<Record<SecretName, ResolvedSecret | undefined>> {
  const ctx = secretContext(engine);
  const found = {} as Record<SecretName, ResolvedSecret | undefined>;
  for (const name of SECRET_NAMES) found[name] = await resolveSecret(ctx, profile, name);
  return found;
}

/** Where each secret comes from, masked. */
function statusesOf(found: Record<SecretName, ResolvedSecret | undefined>): Record<SecretName, SecretStatus> {
  const secrets = {} as Record<SecretName, SecretStatus>;
  for (const name of SECRET_NAMES) {
    const f = found[name];
    secrets[name] = f
      ? { set: true, source: f.source, ...(f.variable ? { variable: f.variable } : {}), masked: name === 'mongoUri' ? maskMongoUri(f.value) : MASK }
      : { set: false, source: null, masked: null };
  }
  return secrets;
}

export async function profileView(engine: Services, profile: Profile): Promise<ProfileView> {
  return { profile, secrets: statusesOf(await findSecrets(engine, profile)) };
}

/** Where the secrets of a connection (saved or not yet) would come from now, and the database its connection string names. */
export async function secretsFound(engine: Services, profile: Pick<Profile, 'name' | 'secretEnv'>): Promise<{ secrets: Record<SecretName, SecretStatus>; mongoDatabase: string | null }> {
  const found = await findSecrets(engine, profile);
  return { secrets: statusesOf(found), mongoDatabase: (found.mongoUri && databaseFromUri(found.mongoUri.value)) ?? null };
}

/** The secrets the environment gives a connection now (not those already in the secret store). */
async function secretsFromEnvironment(engine: Services, profile: Pick<Profile, 'name' | 'secretEnv'>): Promise<SecretsInput> {
  const found = await findSecrets(engine, profile);
  const fromEnv: SecretsInput = {};
  for (const name of SECRET_NAMES) if (found[name] && found[name].source !== 'store') fromEnv[name] = found[name].value;
  return fromEnv;
}

/** Register secrets typed by a person at once, before anything could log or store them. */
export function registerSecrets(engine: Services, secrets: SecretsInput | Record<string, string | undefined>): void {
  for (const value of Object.values(secrets)) registerSecret(engine, value);
}

export async function saveProfile(engine: Services, input: ProfileInput, given: SecretsInput = {}, previousName?: string, fromEnv = false): Promise<ProfileView> {
  registerSecrets(engine, given);
  const secrets = fromEnv ? { ...(await secretsFromEnvironment(engine, { name: input.name, secretEnv: input.secretEnv ?? {} })), ...given } : given;
  const saved = await engine.profiles.save(input, { previousName });
  // A renamed profile keeps its saved secrets.
  if (previousName && previousName !== saved.name) {
    for (const name of SECRET_NAMES) {
      const old = await engine.secretStore.get(previousName, name);
      if (old && secrets[name] === undefined) await engine.secretStore.set(saved.name, name, old);
    }
    await engine.secretStore.remove(previousName);
    await new TriggerTokenStore(engine.paths.home).profileChanged(previousName, saved.name);
  }
  for (const name of SECRET_NAMES) {
    const value = secrets[name];
    if (value) await engine.secretStore.set(saved.name, name, value);
  }
  engine.log.scope('profiles').info(`saved connection "${saved.name}"`);
  return profileView(engine, saved);
}

export async function removeProfile(engine: Services, name: string): Promise<void> {
  await engine.profiles.remove(name);
  await engine.secretStore.remove(name);
  await new TriggerTokenStore(engine.paths.home).profileChanged(name, null);
  forgetBucketCount(engine, name);
  engine.log.scope('profiles').info(`removed connection "${name}"`);
}
