// The desktop SecretStore: secrets encrypted with Electron's safeStorage (Keychain on macOS, DPAPI on
// Windows, the Secret Service / KWallet on Linux) in `secrets.json` (mode 0600) in the data folder.
// On Linux without a keyring safeStorage falls back to "basic_text", a key hard-coded in Chromium:
// that protects nothing, so Settings shows a warning.
import path from 'node:path';
import { userError } from '../../shared/errors';
import type { SecretName } from '../../shared/profile';
import { readSecretsFile, secretsFileUpdater, type SecretStore, type SecretStoreInfo } from '../core/profiles/secret-store';

/** The part of Electron's `safeStorage` this needs (a parameter, so it can be tested without Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

export const SAFE_SECRETS_FILE = 'secrets.json';
const WEAK_BACKENDS = new Set(['basic_text', 'unknown']);

export class SafeStorageSecretStore implements SecretStore {
  readonly file: string;
  private readonly update: ReturnType<typeof secretsFileUpdater>;

  constructor(
    home: string,
    private readonly safe: SafeStorageLike,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.file = path.join(home, SAFE_SECRETS_FILE);
    // The content is ciphertext; the mode check is for the credentials file the CLI reads in clear.
    this.update = secretsFileUpdater(this.file, false);
  }

  info(): SecretStoreInfo {
    let warning: string | null = null;
    if (!this.safe.isEncryptionAvailable()) {
      warning = 'This computer offers no safe place for passwords, so they cannot be saved. Use environment variables (see the README) or set up the system keyring.';
    } else if (this.platform === 'linux' && WEAK_BACKENDS.has(this.safe.getSelectedStorageBackend?.() ?? 'unknown')) {
      warning = 'No system keyring (GNOME Keyring or KWallet) was found: saved passwords are only hidden, not securely encrypted. Install and unlock a keyring, then enter the passwords again.';
    }
    return { kind: 'safeStorage', where: this.file, warning };
  }

  async get(profile: string, name: SecretName): Promise<string | undefined> {
    const stored = (await readSecretsFile(this.file, { checkMode: false })).profiles[profile]?.[name];
    if (!stored || !this.safe.isEncryptionAvailable()) return undefined;
    try {
      return this.safe.decryptString(Buffer.from(stored, 'base64'));
    } catch {
      // Encrypted under another user or machine (a copied data folder): as good as not saved.
      return undefined;
    }
  }

  async set(profile: string, name: SecretName, value: string): Promise<void> {
    if (!this.safe.isEncryptionAvailable()) {
      throw userError(
        'CREDENTIALS_INSECURE',
        'Passwords cannot be saved',
        'This computer offers no safe place to save passwords.',
        'Set them as environment variables instead (PCI_MONGODB_URI, PCI_R2_SECRET_ACCESS_KEY), or set up the system keyring and try again.',
      );
    }
    const encrypted = this.safe.encryptString(value).toString('base64');
    await this.update((data) => {
      data.profiles[profile] = { ...data.profiles[profile], [name]: encrypted };
    });
  }

  async remove(profile: string, name?: SecretName): Promise<void> {
    await this.update((data) => {
      if (!name) delete data.profiles[profile];
      else if (data.profiles[profile]) delete data.profiles[profile][name];
    });
  }
}
