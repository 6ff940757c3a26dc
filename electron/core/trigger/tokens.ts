// The trigger tokens of every connection, in triggers.json in the data folder (mode 0600): only each
// token's SHA-256 is kept, so the file gives nobody a working token. A token is 32 random bytes,
// shown once when it is made; checking one compares hashes in constant time against every entry.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_TRIGGER_PORT, TriggerTokenId, type TriggerTokenInfo } from '../../../shared/api/trigger';
import { userError } from '../../../shared/errors';
import { SettingsFile } from '../schedule/settings-file';

export const TRIGGERS_FILE = 'triggers.json';
/** Tokens start with this, so a secret scanner (and a person) can tell what one is. */
export const TOKEN_PREFIX = 'pcit_';

const TokenEntry = z.object({
  id: TriggerTokenId,
  profile: z.string(),
  label: z.string(),
  /** SHA-256 of the token, hex. */
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
type TokenEntry = z.infer<typeof TokenEntry>;

const TriggersFile = z.object({
  version: z.literal(1),
  /** The desktop app's trigger listener on 127.0.0.1. */
  port: z.number().int().min(1).max(65535).default(DEFAULT_TRIGGER_PORT),
  tokens: z.array(TokenEntry),
});

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

function info(e: TokenEntry): TriggerTokenInfo {
  return { id: e.id, profile: e.profile, label: e.label, createdAt: e.createdAt, lastUsedAt: e.lastUsedAt };
}

export class TriggerTokenStore {
  private readonly settings: SettingsFile<typeof TriggersFile>;

  constructor(home: string) {
    this.settings = new SettingsFile(path.join(home, TRIGGERS_FILE), TriggersFile, () => ({ version: 1 as const, port: DEFAULT_TRIGGER_PORT, tokens: [] }), 'trigger tokens');
  }

  get file(): string {
    return this.settings.file;
  }

  list(profile?: string): TriggerTokenInfo[] {
    return this.settings
      .read()
      .tokens.filter((t) => profile === undefined || t.profile === profile)
      .map(info);
  }

  port(): number {
    return this.settings.read().port;
  }

  setPort(port: number): Promise<number> {
    return this.settings.change((data) => {
      data.port = port;
      return port;
    });
  }

  /** A new token for `profile`: the token itself is returned here and never again. */
  async create(profile: string, label: string, now = new Date()): Promise<TriggerTokenInfo & { token: string }> {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const entry: TokenEntry = { id: randomBytes(8).toString('hex'), profile, label, sha256: sha256(token).toString('hex'), createdAt: now.toISOString(), lastUsedAt: null };
    await this.settings.change((data) => {
      data.tokens.push(entry);
    });
    return { ...info(entry), token };
  }

  async revoke(profile: string, id: string): Promise<void> {
    const found = await this.settings.change((data) => {
      const before = data.tokens.length;
      data.tokens = data.tokens.filter((t) => !(t.id === id && t.profile === profile));
      return data.tokens.length < before;
    });
    if (!found) throw userError('NOT_FOUND', 'Token not found', 'This connection has no trigger token with that id (it may be revoked already).', 'List the tokens with "pci-maint trigger list --profile NAME".');
  }

  /**
   * A connection removed (`to` null: its tokens go, so a new connection of the same name never
   * inherits them) or renamed (they follow it; the app's hook then calls the new name).
   */
  async profileChanged(from: string, to: string | null): Promise<void> {
    if (!this.settings.read().tokens.some((t) => t.profile === from)) return;
    await this.settings.change((data) => {
      if (to === null) data.tokens = data.tokens.filter((t) => t.profile !== from);
      else for (const t of data.tokens) if (t.profile === from) t.profile = to;
    });
  }

  /**
   * The entry `token` is for, when it is one of `profile`'s. Every entry is compared (hash against
   * hash, constant time, no early exit), so the time taken says nothing about which part was wrong.
   */
  match(profile: string, token: string): TriggerTokenInfo | null {
    const given = sha256(token);
    let found: TokenEntry | null = null;
    for (const entry of this.settings.read().tokens) {
      const same = timingSafeEqual(given, Buffer.from(entry.sha256, 'hex'));
      if (same && entry.profile === profile) found = entry;
    }
    return found ? info(found) : null;
  }

  async touch(id: string, at = new Date()): Promise<void> {
    await this.settings.change((data) => {
      for (const t of data.tokens) if (t.id === id) t.lastUsedAt = at.toISOString();
    });
  }
}
