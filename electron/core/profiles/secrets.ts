// Where a profile's secret comes from, in order:
//   1. the environment variable the profile names (`--mongo-uri-env VAR`): explicit wins;
//   2. the secret store (safeStorage on the desktop, credentials.json for the CLI / browser mode):
//      it was saved for this very profile;
//   3. the generic environment variable (PCI_MONGODB_URI, …): a default for every profile, which is
//      how a cron job usually passes secrets.
// Command-line arguments are never a source: they show up in `ps` and in shell history.
import { userError } from '../../../shared/errors';
import type { Profile, SecretName } from '../../../shared/profile';
import type { SecretStore } from './secret-store';

export const GENERIC_ENV: Record<SecretName, string> = {
  mongoUri: 'PCI_MONGODB_URI',
  r2SecretAccessKey: 'PCI_R2_SECRET_ACCESS_KEY',
  backupPassphrase: 'PCI_BACKUP_PASSPHRASE',
  destinationSecretAccessKey: 'PCI_DEST_SECRET_ACCESS_KEY',
};

export type SecretSource = 'env' | 'store' | 'generic-env';

export interface ResolvedSecret {
  value: string;
  source: SecretSource;
  /** The variable it came from (for env sources): shown to people so they know what to change. */
  variable?: string;
}

export interface SecretContext {
  store: SecretStore;
  env: NodeJS.ProcessEnv;
  /** Every secret that is read is registered here, so logs, history and errors redact it. */
  register(value: string): void;
}

export async function resolveSecret(ctx: SecretContext, profile: Pick<Profile, 'name' | 'secretEnv'>, name: SecretName): Promise<ResolvedSecret | undefined> {
  const found = await lookup(ctx, profile, name);
  if (found) ctx.register(found.value);
  return found;
}

async function lookup(ctx: SecretContext, profile: Pick<Profile, 'name' | 'secretEnv'>, name: SecretName): Promise<ResolvedSecret | undefined> {
  const own = profile.secretEnv?.[name];
  if (own && ctx.env[own]) return { value: ctx.env[own], source: 'env', variable: own };
  const stored = await ctx.store.get(profile.name, name);
  if (stored) return { value: stored, source: 'store' };
  const generic = GENERIC_ENV[name];
  if (ctx.env[generic]) return { value: ctx.env[generic], source: 'generic-env', variable: generic };
  return undefined;
}

const LABELS: Record<SecretName, string> = {
  mongoUri: 'MongoDB connection string',
  r2SecretAccessKey: 'R2 secret access key',
  backupPassphrase: 'backup passphrase',
  destinationSecretAccessKey: 'secret access key of the backup bucket',
};

/** The secret, or a SECRET_MISSING error that says where the app looked. */
export async function requireSecret(ctx: SecretContext, profile: Pick<Profile, 'name' | 'secretEnv'>, name: SecretName): Promise<string> {
  const found = await resolveSecret(ctx, profile, name);
  if (found) return found.value;
  const vars = [profile.secretEnv?.[name], GENERIC_ENV[name]].filter(Boolean).join(' or ');
  throw userError(
    'SECRET_MISSING',
    'Password not found',
    `The ${LABELS[name]} for "${profile.name}" is not saved.`,
    `Enter it again in Settings → Connections, or set the environment variable ${vars} before running the command.`,
  );
}

export function secretLabel(name: SecretName): string {
  return LABELS[name];
}
