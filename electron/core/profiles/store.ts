// Connection profiles on disk: `profiles.json` beside settings.json in the data folder, zod-validated
// and written atomically. Only names, addresses and choices live here; secrets go to the SecretStore.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { userError } from '../../../shared/errors';
import { Profile, type ProfileInput } from '../../../shared/profile';
import { writeFileAtomic } from './atomic';

export const PROFILES_FILE = 'profiles.json';

const ProfilesFile = z.object({ version: z.literal(1), profiles: z.array(Profile) });
type ProfilesFile = z.infer<typeof ProfilesFile>;

export function profileNotFound(name: string): Error {
  return userError('PROFILE_NOT_FOUND', 'Connection not found', `There is no connection named "${name}".`, 'Check the name (Settings → Connections, or "pci-maint profile list"), or set it up first.');
}

export class ProfileStore {
  readonly file: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(home: string) {
    this.file = path.join(home, PROFILES_FILE);
  }

  /** Profiles by name, in the order they were created. */
  list(): Profile[] {
    return this.read().profiles;
  }

  find(name: string): Profile | undefined {
    return this.list().find((p) => p.name === name);
  }

  get(name: string): Profile {
    const found = this.find(name);
    if (!found) throw profileNotFound(name);
    return found;
  }

  /** Create or replace a profile; `previousName` renames one. Returns the stored (parsed) profile. */
  save(input: ProfileInput, options: { previousName?: string } = {}): Promise<Profile> {
    return this.change((data) => {
      const now = new Date().toISOString();
      const oldName = options.previousName ?? input.name;
      const existing = data.profiles.find((p) => p.name === oldName);
      if (options.previousName && !existing) throw profileNotFound(options.previousName);
      if (oldName !== input.name && data.profiles.some((p) => p.name === input.name)) {
        throw userError('INVALID_INPUT', 'Name already used', `A connection named "${input.name}" already exists.`, 'Choose another name.');
      }
      const profile = Profile.parse({ ...input, createdAt: existing?.createdAt ?? now, updatedAt: now });
      data.profiles = existing ? data.profiles.map((p) => (p === existing ? profile : p)) : [...data.profiles, profile];
      return profile;
    });
  }

  remove(name: string): Promise<void> {
    return this.change((data) => {
      const before = data.profiles.length;
      data.profiles = data.profiles.filter((p) => p.name !== name);
      if (data.profiles.length === before) throw profileNotFound(name);
    });
  }

  private read(): ProfilesFile {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, profiles: [] };
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    const parsed = ProfilesFile.safeParse(json);
    if (!parsed.success) {
      throw userError(
        'INVALID_INPUT',
        'Connections file damaged',
        'The file with your connection settings cannot be read.',
        `Fix or delete ${this.file}, then set up the connection again.`,
        parsed.error?.message,
      );
    }
    return parsed.data;
  }

  /** Read-modify-write under an in-process queue, so two saves never lose each other's change. */
  private change<T>(fn: (data: ProfilesFile) => T): Promise<T> {
    const next = this.queue.then(async () => {
      const data = this.read();
      const result = fn(data);
      await writeFileAtomic(this.file, JSON.stringify(data, null, 2) + '\n', 0o600);
      return result;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}
