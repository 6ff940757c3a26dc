// Identifiers the contract shares between its parts.
import { z } from 'zod';
import { SNAPSHOT_ID_PATTERN } from './id-pattern';

/** A restore point id as the backup format writes it (docs/backup-format.md §5). */
export const SnapshotId = z.string().regex(SNAPSHOT_ID_PATTERN);
