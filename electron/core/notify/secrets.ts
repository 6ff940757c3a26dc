// The two notification secrets of a connection: the webhook address (it carries its token) and the
// SMTP password. Kept like the connection secrets (DESIGN §7): encrypted by the desktop shell's cipher
// (safeStorage) when there is one, else in a 0600 file that is refused when others can read it;
// environment variables win for cron runs. Every value read or saved is registered for redaction.
// (The profiles' SecretStore only knows its four secret names; see the report for the wish to widen it.)
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { userError } from '../../../shared/errors';
import type { SecretRegistry } from '../log';
import { SettingsFile } from '../schedule/settings-file';

export const NOTIFY_SECRET_NAMES = ['webhookUrl', 'smtpPassword'] as const;
export type NotifySecretName = (typeof NOTIFY_SECRET_NAMES)[number];

/** Environment variables that override the saved values (headless servers, cron). */
export const NOTIFY_SECRET_ENV: Record<NotifySecretName, string> = { webhookUrl: 'PCI_NOTIFY_WEBHOOK_URL', smtpPassword: 'PCI_SMTP_PASSWORD' };

/** Electron's safeStorage in the desktop shell; absent in the CLI and browser mode. */
export interface SecretCipher {
  available(): boolean;
  encrypt(text: string): string;
  decrypt(text: string): string;
}

export const NOTIFY_SECRETS_FILE = 'notify-secrets.json';
const ENCRYPTED = 'enc:';

const File = z.object({ version: z.literal(1), profiles: z.record(z.string(), z.partialRecord(z.enum(NOTIFY_SECRET_NAMES), z.string())) });

export class NotifySecretStore {
  private readonly settings: SettingsFile<typeof File>;

  constructor(
    home: string,
    private readonly registry: SecretRegistry,
    private readonly env: NodeJS.ProcessEnv,
    private readonly cipher: SecretCipher | null = null,
  ) {
    this.settings = new SettingsFile(path.join(home, NOTIFY_SECRETS_FILE), File, () => ({ version: 1 as const, profiles: {} }), 'notification passwords');
  }

  get where(): string {
    return this.cipher?.available() ? `${this.settings.file} (encrypted by the system keychain)` : `${this.settings.file} (readable only by you)`;
  }

  get(profile: string, name: NotifySecretName): string | undefined {
    const value = this.env[NOTIFY_SECRET_ENV[name]] || this.stored(profile, name);
    if (value) this.register(name, value);
    return value || undefined;
  }

  async set(profile: string, name: NotifySecretName, value: string | null): Promise<void> {
    if (value) this.register(name, value);
    const saved = value === null ? null : this.cipher?.available() ? ENCRYPTED + this.cipher.encrypt(value) : value;
    await this.settings.change((data) => {
      const own = { ...data.profiles[profile] };
      if (saved === null) delete own[name];
      else own[name] = saved;
      data.profiles[profile] = own;
    });
  }

  private stored(profile: string, name: NotifySecretName): string | undefined {
    this.assertPrivate();
    const raw = this.settings.read().profiles[profile]?.[name];
    if (!raw?.startsWith(ENCRYPTED)) return raw;
    if (!this.cipher?.available()) return undefined; // saved by the desktop app: only it can read it
    try {
      return this.cipher.decrypt(raw.slice(ENCRYPTED.length));
    } catch {
      return undefined; // encrypted for another user or machine: as good as not saved
    }
  }

  /** A webhook address is redacted whole and by its path, which is where the token is. */
  private register(name: NotifySecretName, value: string): void {
    this.registry.add(value);
    if (name !== 'webhookUrl') return;
    try {
      const url = new URL(value);
      this.registry.add(url.pathname.length >= 8 ? url.pathname : null, url.search.length >= 8 ? url.search.slice(1) : null);
    } catch {
      // not a URL: the whole value is registered already
    }
  }

  private assertPrivate(): void {
    if (process.platform === 'win32') return;
    let mode: number;
    try {
      mode = fs.statSync(this.settings.file).mode;
    } catch {
      return;
    }
    if ((mode & 0o077) !== 0) {
      throw userError(
        'CREDENTIALS_INSECURE',
        'Passwords file is not private',
        `Other users of this computer can read the file with the notification passwords (${this.settings.file}).`,
        `Make it private with "chmod 600 '${this.settings.file}'", then change the SMTP password and the webhook address if others may have seen them.`,
      );
    }
  }
}

/** "https://hooks.slack.com/services/••••" — enough to recognise it, nothing to use it. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/••••`;
  } catch {
    return '••••';
  }
}
