// Connection profiles on disk: `profiles.json` beside settings.json in the data folder, zod-validated
// and written atomically. Only names, addresses and choices live here; secrets go to the SecretStore.
// Version 2 holds a list of sources per profile; a version-1 file (before sources) is read and
// migrated in memory, and the first write keeps a copy of it as `profiles.v1.json`.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { userError } from '../../../shared/errors';
import { Profile, type ProfileInput } from '../../../shared/profile';
import { writeFileAtomic } from './atomic';
import { migrateProfileV1, ProfilesFileV1 } from './migrate';

export const PROFILES_FILE = 'profiles.json';
/** The version-1 file as it was, kept beside the migrated one. */
export const PROFILES_V1_COPY = 'profiles.v1.json';

const ProfilesFile = z.object({ version: z.literal(2), profiles: z.array(Profile) });
type ProfilesFile = z.infer<typeof ProfilesFile>;
interface ReadFile {
  data: ProfilesFile;
  /** The text of a version-1 file this was migrated from (copied aside before the first write). */
  v1Text?: string;
}

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
    return this.read().data.profiles;
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

  private read(): ReadFile {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { data: { version: 2, profiles: [] } };
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    const v1 = ProfilesFileV1.safeParse(json);
    if (v1.success) {
      try {
        return { data: { version: 2, profiles: v1.data.profiles.map(migrateProfileV1) }, v1Text: text };
      } catch (err) {
        throw this.damaged(err instanceof Error ? err.message : String(err));
      }
    }
    const parsed = ProfilesFile.safeParse(json);
    if (!parsed.success) throw this.damaged(parsed.error?.message);
    return { data: parsed.data };
  }

  private damaged(details: string | undefined): Error {
    return userError('INVALID_INPUT', 'Connections file damaged', 'The file with your connection settings cannot be read.', `Fix or delete ${this.file}, then set up the connection again.`, details);
  }

  /** Read-modify-write under an in-process queue, so two saves never lose each other's change. */
  private change<T>(fn: (data: ProfilesFile) => T): Promise<T> {
    const next = this.queue.then(async () => {
      const { data, v1Text } = this.read();
      const result = fn(data);
      // The old file stays readable by the previous version of the app (a downgrade, or a second
      // installation sharing the folder); an existing copy is never overwritten.
      if (v1Text !== undefined && !fs.existsSync(path.join(path.dirname(this.file), PROFILES_V1_COPY))) {
        await writeFileAtomic(path.join(path.dirname(this.file), PROFILES_V1_COPY), v1Text, 0o600);
      }
      await writeFileAtomic(this.file, JSON.stringify(data, null, 2) + '\n', 0o600);
      return result;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}
