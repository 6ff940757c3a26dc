// The words and small judgements of the backup wizard: passphrase strength, the parts of a backup,
// the phases a backup goes through. Pure.
import type { SourceSummary } from '../../../shared/contract';

export const MIN_PASSPHRASE = 8;

/** "a, b and c", capitalised: the parts of a backup in one sentence. */
export function sentence(parts: string[]): string {
  const text = parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export interface Strength {
  /** 0–100, for the bar. */
  score: number;
  label: string;
  color: string;
  hint: string;
}

/**
 * A rough, honest hint, not a promise: length counts most (a few random words beat short symbol
 * soup), then the variety of characters; the same character repeated counts once.
 */
export function passphraseStrength(p: string): Strength {
  if (p.length === 0) return { score: 0, label: 'Not chosen yet', color: 'gray', hint: `Use at least ${MIN_PASSPHRASE} characters. Four or five random words are strong and easy to type.` };
  if (p.length < MIN_PASSPHRASE) return { score: 10, label: 'Too short', color: 'red', hint: `Use at least ${MIN_PASSPHRASE} characters.` };
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(p)).length;
  const distinct = new Set(p).size;
  const points = Math.min(distinct, 24) * 2 + kinds * 6 + (p.includes(' ') ? 8 : 0);
  if (distinct < 5 || points < 30) return { score: 30, label: 'Weak', color: 'orange', hint: 'Make it longer: add a few more words.' };
  if (points < 48) return { score: 60, label: 'Fair', color: 'yellow', hint: 'Good. A few more words would make it stronger.' };
  return { score: 100, label: 'Strong', color: 'green', hint: 'Strong. Write it down and keep it in a safe place.' };
}

export const PART_LABEL: Record<SourceSummary['kind'], string> = {
  mongo: 'Database',
  r2: 'Files in R2',
  files: 'Configuration folder',
  sqlite: 'SQLite database',
  postgres: 'PostgreSQL database',
};

/** The phases of a backup in order, as core reports them (electron/core/sources/*, backup/backup.ts). */
export const PHASES = {
  connect: 'Connecting',
  database: 'Backing up the database',
  files: 'Backing up files in R2',
  folders: 'Backing up configuration folders',
  save: 'Saving the restore point',
} as const;

export function phasesOf(hasFolders: boolean): string[] {
  return [PHASES.connect, PHASES.database, PHASES.files, ...(hasFolders ? [PHASES.folders] : []), PHASES.save];
}

export const n = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toLocaleString('en-US'));

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${n(count)} ${count === 1 ? one : many}`;
}
