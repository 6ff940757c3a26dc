// The words of the restore points page: why a restore point was made, and whether it was verified. Pure.
import type { BackupTrigger, SnapshotVerification } from '../../../shared/contract';
import { formatDateTime } from '../../../shared/format';

export const TRIGGER_WORDS: Record<BackupTrigger, { label: string; color: string; help: string }> = {
  manual: { label: 'Manual', color: 'blue', help: 'Made by hand with “Make a backup”.' },
  scheduled: { label: 'Scheduled', color: 'teal', help: 'Made by the backup schedule.' },
  event: { label: 'After an event', color: 'orange', help: 'Asked for by your application when something happened (its trigger or hook).' },
  'pre-update': { label: 'Before an update', color: 'violet', help: 'Made by the pre-update checklist, before PCI File Manager was upgraded.' },
  'pre-restore': { label: 'Before a rollback', color: 'grape', help: 'The safety copy made just before a rollback.' },
  other: { label: 'Other', color: 'gray', help: 'Made with tags of its own.' },
};

/** A restore point's tag in words ("pre-restore" → "Before a rollback"); tags of its own stay as typed. */
export function tagLabel(tag: string): string {
  return tag in TRIGGER_WORDS && tag !== 'other' ? TRIGGER_WORDS[tag as BackupTrigger].label : tag;
}

export const DEPTH_WORDS: Record<SnapshotVerification['depth'], string> = { quick: 'Quick check', sampled: 'Sample check', full: 'Full check' };

export function verifiedWords(v: SnapshotVerification | null | undefined): { label: string; color: string; detail: string } {
  if (!v) return { label: 'Not checked yet', color: 'gray', detail: 'This restore point has not been verified yet.' };
  const when = formatDateTime(v.verifiedAt);
  if (!v.ok) return { label: 'Problems found', color: 'red', detail: `${DEPTH_WORDS[v.depth]} on ${when} found ${v.problems} ${v.problems === 1 ? 'problem' : 'problems'}.` };
  return { label: 'Verified', color: 'green', detail: `${DEPTH_WORDS[v.depth]} passed on ${when}${v.testRestore ? ', with a test restore' : ''}.` };
}

export { ago } from '../../../shared/format';
