// profiles.json from before sources (version 1): one MongoDB database, one R2 bucket and a list of
// folders per profile. Read as it is and turned into a version-2 profile (preset 'pci', the same
// settings as sources) in memory; the store keeps a copy of the old file before its first write.
import { z } from 'zod';
import { Destination, FileRecords, Profile, SecretName, type ProfileInput, type SourceInput } from '../../../shared/profile';

/** A profile as version 1 stored it (kept here only to read old files; never written again). */
export const ProfileV1 = z.object({
  name: z.string(),
  mongo: z.object({ database: z.string().min(1).max(63) }),
  r2: z.object({
    accountId: z.string().optional(),
    endpoint: z.string().url().optional(),
    region: z.string().default('auto'),
    bucket: z.string().min(3).max(63),
    accessKeyId: z.string().min(1),
    forcePathStyle: z.boolean().default(false),
  }),
  folders: z.array(z.string().min(1)).default([]),
  fileRecords: FileRecords.nullable().default(null),
  destination: Destination,
  secretEnv: z.partialRecord(SecretName, z.string()).default({}),
  backupMaxAgeHours: z.number().positive().default(26),
  app: z.object({ healthUrl: z.string().url().optional(), versionFile: z.string().optional() }).default({}),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type ProfileV1 = z.input<typeof ProfileV1>;

export const ProfilesFileV1 = z.object({ version: z.literal(1), profiles: z.array(z.unknown()) });

/** The sources of a version-1 profile: its database first, then its bucket, then its folders (the backup order). */
export function sourcesFromV1(p: Pick<ProfileV1, 'mongo' | 'r2' | 'folders'>): SourceInput[] {
  return [{ kind: 'mongodb', ...p.mongo }, { kind: 's3', ...p.r2 }, ...(p.folders ?? []).map((path): SourceInput => ({ kind: 'folder', path }))];
}

/** A version-1 profile as version 2: preset 'pci', the same settings as sources, everything else kept. */
export function migrateProfileV1(input: unknown): Profile {
  const { mongo, r2, folders, ...rest } = ProfileV1.parse(input);
  const next: ProfileInput = { ...rest, preset: 'pci', sources: sourcesFromV1({ mongo, r2, folders }) };
  return Profile.parse(next);
}
