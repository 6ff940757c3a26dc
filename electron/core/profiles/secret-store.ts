// The SecretStore port (DESIGN §7): where a profile's secrets are kept between runs. The desktop app
// injects one backed by Electron's safeStorage (electron/main/secret-store.ts); the CLI and browser
// mode use the 0600 credentials file below. Environment variables are read on top of either store
// by `resolveSecret` (secrets.ts), so a store only persists.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { userError } from '../../../shared/errors';
import { SecretName } from '../../../shared/profile';
import { writeFileAtomic } from './atomic';

export interface SecretStoreInfo {
  /** 'safeStorage': encrypted by the OS keychain; 'credentialsFile': a file only this user can read. */
  kind: 'safeStorage' | 'credentialsFile';
  /** Where the secrets are, for people (a path; never a secret). */
  where: string;
  /** Plain words when the protection is weaker than it should be; null when all is well. */
  warning: string | null;
}

export interface SecretStore {
  info(): SecretStoreInfo;
  get(profile: string, name: SecretName): Promise<string | undefined>;
  set(profile: string, name: SecretName, value: string): Promise<void>;
  /** Forget one secret of a profile, or all of them when `name` is omitted. */
  remove(profile: string, name?: SecretName): Promise<void>;
}

const ProfileSecrets = z.partialRecord(SecretName, z.string());
/** The file both stores use: secrets by profile name (plain strings here; safeStorage puts base64 ciphertext). */
export const SecretsFile = z.object({ version: z.literal(1), profiles: z.record(z.string(), ProfileSecrets) });
export type SecretsFile = z.infer<typeof SecretsFile>;

/** Read a secrets file, or an empty one when it does not exist yet. Refuses a file others can read. */
export async function readSecretsFile(file: string, options: { checkMode: boolean }): Promise<SecretsFile> {
  let text: string;
  try {
    if (options.checkMode) assertPrivate(file);
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, profiles: {} };
    throw err;
  }
  const parsed = SecretsFile.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw userError('CREDENTIALS_INSECURE', 'Saved passwords unreadable', 'The file with the saved passwords is damaged.', `Delete ${file} and enter the passwords again.`);
  }
  return parsed.data;
}

/**
 * Like ssh with a private key, a credentials file that other users can read is refused: the secrets
 * in it may already be known to them, and going on silently would hide that.
 */
function assertPrivate(file: string): void {
  if (process.platform === 'win32') return; // ACLs, not modes; the data folder is in the user's profile
  const st = fs.statSync(file);
  if ((st.mode & 0o077) !== 0) {
    throw userError(
      'CREDENTIALS_INSECURE',
      'Passwords file is not private',
      `Other users of this computer can read the file with the saved passwords (${file}).`,
      `Make it private with "chmod 600 '${file}'", then change the passwords in it if others may have seen them.`,
      `mode ${(st.mode & 0o777).toString(8)}`,
    );
  }
}

export async function writeSecretsFile(file: string, data: SecretsFile): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(data, null, 2) + '\n', 0o600);
}

/** Apply `change` to a secrets file under a simple in-process queue, so two saves never interleave. */
export function secretsFileUpdater(file: string, checkMode: boolean) {
  let queue: Promise<unknown> = Promise.resolve();
  return (change: (data: SecretsFile) => void): Promise<void> => {
    const next = queue.then(async () => {
      const data = await readSecretsFile(file, { checkMode });
      change(data);
      await writeSecretsFile(file, data);
    });
    queue = next.catch(() => undefined);
    return next;
  };
}

export const CREDENTIALS_FILE = 'credentials.json';

/** The Node store (CLI and browser mode): `credentials.json` in the data folder, mode 0600. */
export class CredentialsFileStore implements SecretStore {
  readonly file: string;
  private readonly update: ReturnType<typeof secretsFileUpdater>;

  constructor(home: string) {
    this.file = path.join(home, CREDENTIALS_FILE);
    this.update = secretsFileUpdater(this.file, true);
  }

  info(): SecretStoreInfo {
    return { kind: 'credentialsFile', where: this.file, warning: null };
  }

  async get(profile: string, name: SecretName): Promise<string | undefined> {
    return (await readSecretsFile(this.file, { checkMode: true })).profiles[profile]?.[name];
  }

  async set(profile: string, name: SecretName, value: string): Promise<void> {
    await this.update((data) => {
      data.profiles[profile] = { ...data.profiles[profile], [name]: value };
    });
  }

  async remove(profile: string, name?: SecretName): Promise<void> {
    await this.update((data) => {
      if (!name) delete data.profiles[profile];
      else if (data.profiles[profile]) delete data.profiles[profile][name];
    });
  }
}
