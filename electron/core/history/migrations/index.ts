// Numbered migrations (STYLE 9): migration N takes the database from user_version N-1 to N.
import type Database from 'better-sqlite3';
import { up as m001 } from './001-initial';

export const MIGRATIONS: ReadonlyArray<(db: Database.Database) => void> = [m001];
