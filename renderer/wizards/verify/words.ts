// Dates and depths in the words the verify screens use.
import type { VerifyDepth } from '../../../shared/contract';
import { formatDateTime } from '../../../shared/format';

/** A backup's date, written like every other date in the app (one formatter, shared/format). */
export function backupWhen(iso: string): string {
  const when = formatDateTime(iso);
  return when === '—' ? 'an unknown date' : when;
}

export const DEPTH_LABEL: Record<VerifyDepth, string> = { quick: 'Quick check', sampled: 'Sample check', full: 'Full check' };

export const DEPTH_HELP: Record<VerifyDepth, string> = {
  quick: 'Makes sure every piece of the backup is there, without reading it. Takes a minute.',
  sampled: 'Also reads and checks part of the data. Each run takes the next part, so a few runs cover everything.',
  full: 'Reads every piece, decrypts it, checks it against its fingerprint, and reads every database document. Takes as long as reading the whole backup.',
};
