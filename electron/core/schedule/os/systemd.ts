// systemd user units: a oneshot service that runs the commands in order and a timer with
// Persistent=true, so a run missed while the computer was off happens at the next boot.
import type { Timing } from '../../../../shared/api/schedule';
import { describeTiming, WEEKDAYS } from '../times';
import { KIND_WORDS, type Entry } from './entry';

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

export function unitNames(id: string): { service: string; timer: string } {
  return { service: `pci-maint-${id}.service`, timer: `pci-maint-${id}.timer` };
}

/** systemd's command-line quoting; % and $ would be expanded by systemd, so they are doubled. */
export function sdQuote(s: string): string {
  const bare = /^[A-Za-z0-9_@+=:,./-]+$/.test(s) ? s : `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return bare.replace(/%/g, '%%').replace(/\$/g, '$$$$');
}

export function onCalendar(t: Pick<Timing, 'frequency' | 'time' | 'weekday' | 'monthDay'>): string {
  const at = `${t.time}:00`;
  if (t.frequency === 'weekly') return `${WEEKDAYS[t.weekday].slice(0, 3)} *-*-* ${at}`;
  if (t.frequency === 'monthly') return `*-*-${String(t.monthDay).padStart(2, '0')} ${at}`;
  return `*-*-* ${at}`;
}

export function serviceUnit(e: Entry): string {
  return [
    '[Unit]',
    `Description=PCI Maintenance: ${KIND_WORDS[e.kind]} of "${e.profile}"`,
    '',
    '[Service]',
    'Type=oneshot',
    ...e.argvs.map((argv) => `ExecStart=${argv.map(sdQuote).join(' ')}`),
    '',
  ].join('\n');
}

export function timerUnit(e: Entry): string {
  return [
    '[Unit]',
    `Description=PCI Maintenance: ${KIND_WORDS[e.kind]} of "${e.profile}", ${lowerFirst(describeTiming(e.timing))}`,
    '',
    '[Timer]',
    `OnCalendar=${onCalendar(e.timing)}`,
    'Persistent=true',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
}
