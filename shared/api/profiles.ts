// Connection profiles, "Test connection" and the file-record auto-detect. Secrets travel only in
// the inputs of save/test (typed by a person in the wizard); no output ever carries one: stored
// secrets come back as `set` flags and masked text.
import { z } from 'zod';
import { ErrorCode } from '../errors';
import { Destination, Profile, ProfileFields, ProfileName, profileRules, S3Source, SecretName } from '../profile';
import { method } from './method';

export const CheckStatus = z.enum(['pass', 'warn', 'fail']);
export type CheckStatus = z.infer<typeof CheckStatus>;

/** One line of "Test connection": what was checked and, in plain words, what it found. */
export const CheckResult = z.object({
  id: z.string(),
  label: z.string(),
  status: CheckStatus,
  message: z.string(),
  /** What to do next ('' when there is nothing to do). */
  hint: z.string(),
  code: ErrorCode.optional(),
  details: z.string().optional(),
});
export type CheckResult = z.infer<typeof CheckResult>;

export const MongoFacts = z.object({
  version: z.string().optional(),
  database: z.string().optional(),
  databases: z.array(z.string()).optional(),
  collections: z.number().int().optional(),
  documents: z.number().int().optional(),
  dataSize: z.number().optional(),
});
export type MongoFacts = z.infer<typeof MongoFacts>;

export const DestinationFacts = z.object({
  describe: z.string().optional(),
  freeBytes: z.number().nullable().optional(),
  totalBytes: z.number().nullable().optional(),
});
export type DestinationFacts = z.infer<typeof DestinationFacts>;

/** `ok` is false when any check failed (warnings do not count). */
export const CheckReport = z.object({
  ok: z.boolean(),
  checks: z.array(CheckResult),
  mongo: MongoFacts.optional(),
  destination: DestinationFacts.optional(),
});
export type CheckReport = z.infer<typeof CheckReport>;

const Secret = z.string().min(1).max(4096);
export const SecretsInput = z.partialRecord(SecretName, Secret);
export type SecretsInput = z.infer<typeof SecretsInput>;

export const SecretStatus = z.object({
  set: z.boolean(),
  /** 'env': the profile's own variable; 'store': saved; 'generic-env': PCI_… variable. */
  source: z.enum(['env', 'store', 'generic-env']).nullable(),
  variable: z.string().optional(),
  /** e.g. `mongodb://user:••••@host/db` for the connection string, `••••••••` for keys. */
  masked: z.string().nullable(),
});
export type SecretStatus = z.infer<typeof SecretStatus>;

export const SecretStoreInfo = z.object({ kind: z.enum(['safeStorage', 'credentialsFile']), where: z.string(), warning: z.string().nullable() });
export type SecretStoreInfo = z.infer<typeof SecretStoreInfo>;

export const ProfileView = z.object({
  profile: Profile,
  secrets: z.record(SecretName, SecretStatus),
});
export type ProfileView = z.infer<typeof ProfileView>;

/** A bucket's settings as the tests take them: the s3 source without its kind. */
export const R2Settings = S3Source.omit({ kind: true });
export type R2Settings = z.input<typeof R2Settings>;

/** The mapping from file records to bucket keys that auto-detect proposes. */
export const MappingCandidate = z.object({
  collection: z.string(),
  keyField: z.string(),
  sizeField: z.string().optional(),
  deletedField: z.string().optional(),
  /** Sampled documents whose key field names a sampled bucket key. */
  matched: z.number().int(),
  sampled: z.number().int(),
  score: z.number(),
});
export type MappingCandidate = z.infer<typeof MappingCandidate>;

export const MappingProposal = z.object({
  best: MappingCandidate.nullable(),
  candidates: z.array(MappingCandidate),
  sampledKeys: z.number().int(),
  collections: z.array(z.string()),
});
export type MappingProposal = z.infer<typeof MappingProposal>;

/**
 * Whether runs nobody types for (schedules) can open a connection's backups:
 * - not-protected: the backups have no passphrase; remembered: the saved (or environment) one opens them;
 * - missing: they are protected and no passphrase is known here; wrong: the remembered one does not open them;
 * - not-set-up: no backup yet (the first backup decides); unknown: the location cannot be read now.
 */
export const PassphraseState = z.object({
  state: z.enum(['not-protected', 'remembered', 'missing', 'wrong', 'not-set-up', 'unknown']),
  message: z.string(),
});
export type PassphraseState = z.infer<typeof PassphraseState>;

const Name = z.object({ name: ProfileName }).strict();
/** Where a test takes its settings: typed in now, or (for blanks) the saved profile `profile`. */
const MongoTestInput = z.object({ uri: Secret.optional(), database: z.string().max(63).optional(), profile: ProfileName.optional() }).strict();
const R2TestInput = z.object({ r2: R2Settings, secretAccessKey: Secret.optional(), profile: ProfileName.optional() }).strict();

export const profileMethods = {
  'profiles.list': method(z.object({}).strict(), z.object({ profiles: z.array(ProfileView), secretStore: SecretStoreInfo }), 'Saved connections, secrets masked.'),
  'profiles.get': method(Name, ProfileView, 'One saved connection, secrets masked.'),
  'profiles.save': method(
    z
      .object({
        profile: ProfileFields.omit({ createdAt: true, updatedAt: true }).superRefine(profileRules),
        previousName: ProfileName.optional(),
        secrets: SecretsInput.default({}),
        /** Also save the secrets this host's environment gives the connection now (`profile set --save-secrets`). */
        secretsFromEnv: z.boolean().default(false),
      })
      .strict(),
    ProfileView,
    'Create or change a connection; secrets go to the secret store, never to the settings file.',
  ),
  'profiles.secretsFound': method(
    z.object({ name: ProfileName, secretEnv: ProfileFields.shape.secretEnv }).strict(),
    z.object({ secrets: z.record(SecretName, SecretStatus), mongoDatabase: z.string().nullable() }),
    'Where each secret of a connection would come from with these variable names (masked), and the database its MongoDB connection string names.',
  ),
  'profiles.passphraseState': method(Name, PassphraseState, 'Whether scheduled runs can open the backups of a connection (its passphrase remembered or not needed).'),
  'profiles.rememberPassphrase': method(
    z.object({ name: ProfileName, passphrase: z.string().min(1).max(1024) }).strict(),
    ProfileView,
    'Check that the passphrase opens the backups, then remember it in the secret store (the keychain in the desktop app).',
  ),
  'profiles.remove': method(Name, z.object({ removed: z.string() }), 'Forget a connection and its saved secrets (backups are not touched).'),
  'profiles.test': method(
    z.object({ name: ProfileName, timeoutSeconds: z.number().positive().max(120).optional() }).strict(),
    CheckReport,
    'Run every connection check of a saved connection (each network step may take `timeoutSeconds`).',
  ),
  'connections.testMongo': method(MongoTestInput, CheckReport, 'Check a MongoDB connection string: reachable, signed in, database, can read.'),
  'connections.testR2': method(R2TestInput, CheckReport, 'Check R2 settings: reachable, keys, bucket, list / write / read / delete a probe.'),
  'connections.testDestination': method(
    z.object({ destination: Destination, r2: R2Settings.partial().optional(), secretAccessKey: Secret.optional(), profile: ProfileName.optional() }).strict(),
    CheckReport,
    'Check a backup location: exists, writable, free space.',
  ),
  'connections.detectMapping': method(
    z.object({ mongo: MongoTestInput.required({ database: true }), r2: R2Settings, secretAccessKey: Secret.optional(), profile: ProfileName.optional() }).strict(),
    MappingProposal,
    'Find the collection and field whose values are the bucket keys of the files.',
  ),
} as const;
