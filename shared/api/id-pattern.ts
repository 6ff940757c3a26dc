// The restore point id's pattern without the schema library, for code that must load fast (the CLI's
// option checks run before any command module is loaded).

/** A restore point id as the backup format writes it (docs/backup-format.md §5): 32 lower-case hex characters. */
export const SNAPSHOT_ID_PATTERN = /^[0-9a-f]{32}$/;
