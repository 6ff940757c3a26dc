// The `config` file of a backup location (docs/backup-format.md §2): making a new one, reading and
// checking an existing one. Repository.init/open/initOrOpen decide when each happens.
import { randomBytes } from 'node:crypto';
import { UserError } from '../../../shared/errors';
import { DEFAULT_CHUNKER, chunkerMask } from './chunker';
import { MAX_READ_SCRYPT_N, MIN_READ_SCRYPT_N, PRODUCTION_SCRYPT_N, createEncryption, type RepoKeys } from './crypto';
import { backupDamaged, repoUnsupportedVersion } from './errors';
import { FORMAT_NAME, FORMAT_VERSION, READABLE_VERSIONS, RepoConfig, zodReason, type FormatVersion } from './schemas';

export const CONFIG_PATH = 'config';

export interface InitOptions {
  /** Encrypt the backup location with this passphrase (it cannot be recovered if lost). */
  passphrase?: string;
  /** Tests only: a cheaper scrypt cost (≥ 2^10). Production code never passes this; see the format doc §2.1. */
  testOnlyScryptN?: number;
  /**
   * The format of the new location. Default: the current one (2, pack files), or 1 when the
   * environment sets PCI_MAINT_LOCATION_FORMAT=1 — so the test suites also run over locations laid out
   * as older versions of the app made them (docs/backup-format.md §10).
   */
  formatVersion?: FormatVersion;
  now?: Date;
}

/** The format version new locations get (see InitOptions.formatVersion). */
export function newLocationVersion(options: Pick<InitOptions, 'formatVersion'> = {}): FormatVersion {
  if (options.formatVersion !== undefined) return options.formatVersion;
  return process.env.PCI_MAINT_LOCATION_FORMAT === '1' ? 1 : FORMAT_VERSION;
}

export interface NewConfig {
  config: RepoConfig;
  keys: RepoKeys | null;
  /** The file as written; a read-back compares against these bytes. */
  bytes: Buffer;
}

/** A new config with a new id and, with a passphrase, new keys (scrypt: the slow part, ~0.4 s). */
export async function newConfig(options: InitOptions): Promise<NewConfig> {
  const id = randomBytes(16).toString('hex');
  let encryption: RepoConfig['encryption'] = null;
  let keys: RepoKeys | null = null;
  if (options.passphrase !== undefined) {
    if (options.passphrase.length === 0) {
      throw new UserError({ code: 'INVALID_INPUT', title: 'Passphrase needed', message: 'The passphrase cannot be empty.', hint: 'Type a passphrase, or turn encryption off.' });
    }
    const N = options.testOnlyScryptN ?? PRODUCTION_SCRYPT_N;
    if (N < MIN_READ_SCRYPT_N || N > MAX_READ_SCRYPT_N || (N & (N - 1)) !== 0) throw new Error(`Unsupported scrypt N: ${N}`);
    const created = await createEncryption(options.passphrase, id, N);
    encryption = created.config;
    keys = created.keys;
  }
  const config: RepoConfig = {
    format: FORMAT_NAME,
    version: newLocationVersion(options),
    id,
    createdAt: (options.now ?? new Date()).toISOString(),
    compression: 'gzip',
    chunker: DEFAULT_CHUNKER,
    encryption,
  };
  return { config, keys, bytes: Buffer.from(`${JSON.stringify(config, null, 2)}\n`, 'utf8') };
}

/** A config file's bytes, checked: JSON, a version this app reads, the schema, usable chunker parameters. */
export function parseConfig(raw: Buffer): RepoConfig {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw backupDamaged(CONFIG_PATH, 'not valid JSON', err);
  }
  // Check the version before the shape: a newer format may differ everywhere else.
  const version = json && typeof json === 'object' ? (json as { version?: unknown }).version : undefined;
  if (typeof version === 'number' && !(READABLE_VERSIONS as readonly number[]).includes(version)) throw repoUnsupportedVersion(version);
  const parsed = RepoConfig.safeParse(json);
  if (!parsed.success) throw backupDamaged(CONFIG_PATH, zodReason(parsed.error));
  try {
    chunkerMask(parsed.data.chunker);
  } catch (err) {
    throw backupDamaged(CONFIG_PATH, 'chunker parameters are not usable', err);
  }
  return parsed.data;
}

/** Same location, same keys: the id, the chunker and the wrapped key all agree. */
export function sameConfig(a: RepoConfig, b: RepoConfig): boolean {
  return canonical(a) === canonical(b);
}

/** JSON with sorted keys, so a config built here and one parsed from the file compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function alreadyHere(where: string): UserError {
  return new UserError({
    code: 'INVALID_INPUT',
    title: 'Backups already here',
    message: 'This location already holds backups.',
    hint: 'Choose it as an existing backup location, or pick an empty folder for a new one.',
    details: `config exists in ${where}`,
  });
}

/** The config is no longer the one a backup used: what it wrote could not be read with the location's keys. */
export function configChanged(where: string, why: string): UserError {
  return new UserError({
    code: 'BACKUP_DAMAGED',
    title: 'Backup location changed',
    message: 'The settings file of the backup location was replaced while this backup ran, so this restore point could not be kept.',
    hint: 'Run the backup again. If it happens again, check that no other program or older version of PCI Maintenance sets up this backup location.',
    details: `${CONFIG_PATH} in ${where}: ${why}`,
  });
}
