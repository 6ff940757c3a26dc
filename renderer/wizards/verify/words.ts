// Dates and depths in the words the verify screens use.
import type { VerifyDepth } from '../../../shared/contract';

/** "Tuesday 14:02" this week, "Tuesday 4 March 14:02" before that. */
export function backupWhen(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return 'an unknown date';
  const recent = now.getTime() - d.getTime() < 6 * 86_400_000;
  const day = d.toLocaleDateString(undefined, recent ? { weekday: 'long' } : { weekday: 'long', day: 'numeric', month: 'long', ...(d.getFullYear() !== now.getFullYear() ? { year: 'numeric' } : {}) });
  return `${day} ${d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`;
}

export const DEPTH_LABEL: Record<VerifyDepth, string> = { quick: 'Quick check', sampled: 'Sample check', full: 'Full check' };

export const DEPTH_HELP: Record<VerifyDepth, string> = {
  quick: 'Makes sure every piece of the backup is there, without reading it. Takes a minute.',
  sampled: 'Also reads and checks part of the data. Each run takes the next part, so a few runs cover everything.',
  full: 'Reads every piece, decrypts it, checks it against its fingerprint, and reads every database document. Takes as long as reading the whole backup.',
};
