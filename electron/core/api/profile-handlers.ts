// Handlers for connection profiles and "Test connection".
import type { profileMethods } from '../../../shared/api/profiles';
import type { HandlerDeps } from './types';
import { passphraseState, rememberPassphrase } from '../profiles/passphrase';
import { profileView, removeProfile, saveProfile, secretsFound } from '../profiles/service';
import { detectMappingSettings, testDestinationSettings, testMongoSettings, testProfile, testR2Settings } from '../profiles/test';
import type { HandlersFor } from './types';
import { scrubSecrets } from './scrub';

export function profileHandlers(engine: HandlerDeps): HandlersFor<typeof profileMethods> {
  // Check results quote drivers and servers: redact every known secret once more, to be sure.
  const clean = <T>(value: T): T => scrubSecrets(engine, value);
  return {
    'profiles.list': async () => ({
      profiles: await Promise.all(engine.profiles.list().map((p) => profileView(engine, p))),
      secretStore: engine.secretStore.info(),
    }),
    'profiles.get': async ({ name }) => profileView(engine, engine.profiles.get(name)),
    'profiles.save': async ({ profile, previousName, secrets, secretsFromEnv }) => saveProfile(engine, profile, secrets, previousName, secretsFromEnv),
    'profiles.secretsFound': async ({ name, secretEnv }) => secretsFound(engine, { name, secretEnv }),
    'profiles.passphraseState': async ({ name }) => passphraseState(engine, name),
    'profiles.rememberPassphrase': async ({ name, passphrase }) => rememberPassphrase(engine, name, passphrase),
    'profiles.remove': async ({ name }) => {
      await removeProfile(engine, name);
      return { removed: name };
    },
    'profiles.test': async ({ name, timeoutSeconds }) => clean(await testProfile(engine, name, timeoutSeconds ? { timeoutMs: timeoutSeconds * 1000 } : {})),
    'connections.testMongo': async (input) => clean(await testMongoSettings(engine, input)),
    'connections.testR2': async (input) => clean(await testR2Settings(engine, input)),
    'connections.testDestination': async (input) => clean(await testDestinationSettings(engine, input)),
    'connections.detectMapping': async (input) => clean(await detectMappingSettings(engine, input)),
  };
}
