// cron: two lines per entry in the user's crontab, a marker comment and the line itself; the marker is
// how install replaces and remove finds exactly our lines, leaving everything else untouched.
import type { Timing } from '../../../../shared/api/schedule';
import { KIND_WORDS, shQuote, type Entry } from './entry';

export const CRON_MARKER = '# pci-maint:';

/** "minute hour day-of-month month day-of-week", in the computer's local time. */
export function cronTime(t: Pick<Timing, 'frequency' | 'time' | 'weekday' | 'monthDay'>): string {
  const [hh, mm] = t.time.split(':').map(Number);
  return `${mm} ${hh} ${t.frequency === 'monthly' ? t.monthDay : '*'} * ${t.frequency === 'weekly' ? t.weekday : '*'}`;
}

export function cronLines(e: Entry): string[] {
  // In a crontab, % ends the command unless escaped, even inside quotes.
  const command = e.argvs.map((argv) => argv.map(shQuote).join(' ')).join(' && ').replace(/%/g, '\\%');
  return [`${CRON_MARKER}${e.id} ${KIND_WORDS[e.kind]} of "${e.profile}" (added by PCI Maintenance)`, `${cronTime(e.timing)} ${command}`];
}

/** The crontab with the entry `id` removed, and `lines` appended when given. */
export function mergeCrontab(existing: string, id: string, lines: string[] | null): string {
  const input = existing.split('\n');
  const out: string[] = [];
  for (let i = 0; i < input.length; i++) {
    if (input[i].startsWith(`${CRON_MARKER}${id} `)) {
      i += 1; // the entry's line follows its marker
      continue;
    }
    out.push(input[i]);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  if (lines) out.push(...lines);
  return out.length > 0 ? out.join('\n') + '\n' : '';
}

export function hasCronEntry(crontab: string, id: string): boolean {
  return crontab.split('\n').some((l) => l.startsWith(`${CRON_MARKER}${id} `));
}
