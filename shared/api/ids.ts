// Identifiers the contract shares between its parts.
import { z } from 'zod';

/** A restore point id as the backup format writes it (docs/backup-format.md §5): 32 lower-case hex characters. */
export const SnapshotId = z.string().regex(/^[0-9a-f]{32}$/);
