// Numbered migrations (STYLE 9): migration N takes the database from user_version N-1 to N.
import type Database from 'better-sqlite3';
import { up as m001 } from './001-initial';
import { up as m002 } from './002-verify';
import { up as m003 } from './003-checklist';
import { up as m004 } from './004-schedule';
import { up as m005 } from './005-outcomes';
import { up as m006 } from './006-plan';

export const MIGRATIONS: ReadonlyArray<(db: Database.Database) => void> = [m001, m002, m003, m004, m005, m006];
