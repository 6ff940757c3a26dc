// Export and import ("export.*"; core: electron/core/export/): a restore point written out as a
// mongodump folder plus files (or one zip), and a mongodump folder or archive made into a restore point.
import { z } from 'zod';
import { Job } from '../jobs';
import { ProfileName } from '../profile';
import { SnapshotId } from './ids';
import { method } from './method';

const IsoTime = z.string();
/** Typed by a person when the profile does not remember it; never stored, never echoed back. */
const Passphrase = z.string().min(1).max(1024);
const PathText = z.string().min(1).max(4096);

export const ExportResult = z.object({
  snapshotId: SnapshotId,
  target: z.string(),
  zip: z.boolean(),
  files: z.number().int(),
  bytes: z.number(),
  /** Entries whose names had to be changed to be safe as file names (listed in the export manifest). */
  renamed: z.number().int(),
  /** Symbolic links, kept in the export manifest only (never created). */
  symlinks: z.number().int(),
  durationMs: z.number(),
  /** Plain sentences about how the export ran (e.g. without marking a full drive as in use). */
  notes: z.array(z.string()).optional(),
});
export type ExportResult = z.infer<typeof ExportResult>;

export const ImportResult = z.object({
  snapshotId: SnapshotId,
  createdAt: IsoTime,
  databases: z.array(z.string()),
  collections: z.number().int(),
  documents: z.number().int(),
  bytes: z.number(),
  durationMs: z.number(),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const exportMethods = {
  'export.start': method(
    z.object({ profile: ProfileName, snapshot: z.union([SnapshotId, z.literal('latest')]), to: PathText, zip: z.boolean().default(false), passphrase: Passphrase.optional() }).strict(),
    Job,
    'Write a restore point out as a mongodump folder plus files (or one zip); never overwrites.',
  ),
  'export.importMongodump': method(z.object({ profile: ProfileName, from: PathText, passphrase: Passphrase.optional() }).strict(), Job, 'Make a restore point from an existing mongodump folder (plain or --gzip).'),
} as const;
