// Step 4: everything the backup will do, in one table, before it starts.
import { Stack, Table, Text } from '@mantine/core';
import { formatBytes } from '../../../shared/format';
import { useProfiles } from '../../stores/profiles';
import { useBackup, type Protection } from './state';
import { plural, sentence } from './words';
import { folderPaths, mongoSource, s3Source } from '../../../shared/profile';

function protectionWords(kind: Protection | undefined, protect: boolean, remember: boolean): string {
  const saved = remember ? ' (it will be remembered on this computer)' : '';
  switch (kind) {
    case 'new':
      return protect ? `A new backup location, protected with the passphrase you chose${saved}` : 'A new backup location, without a passphrase';
    case 'new-saved':
      return 'A new backup location, protected with the saved passphrase';
    case 'plain':
      return 'No passphrase (this location was set up without one)';
    case 'unlocked':
      return 'Protected by a passphrase (the saved one)';
    case 'locked':
      return `Protected by a passphrase: the one you typed${saved}`;
    default:
      return '—';
  }
}

export function ReviewStep() {
  const s = useBackup();
  const view = useProfiles((p) => p.profiles?.find((v) => v.profile.name === s.profile));
  const p = view?.profile;
  const folders = p ? folderPaths(p).length : 0;
  const m = p ? mongoSource(p) : undefined;
  const b = p ? s3Source(p) : undefined;
  const parts = [...(m ? [`the database “${m.database}”`] : []), ...(b ? [`the files in the bucket “${b.bucket}”`] : []), ...(folders ? [plural(folders, 'folder')] : [])];
  const rows: Array<[string, string]> = [
    ['Installation', s.profile ?? '—'],
    [
      'What',
      sentence(parts),
    ],
    ['Where', s.health?.destination.describe ?? s.location?.list?.location ?? '—'],
    ['Protection', protectionWords(s.location?.protection, s.protect, s.remember)],
    [
      'About how much it adds',
      s.health?.destination.estimatedNextBackupBytes != null
        ? s.health.destination.estimateIsUpperBound
          ? `At most ${formatBytes(s.health.destination.estimatedNextBackupBytes)}: only what changed since the last backup is added`
          : formatBytes(s.health.destination.estimatedNextBackupBytes)
        : 'Not known yet: measured during the backup',
    ],
    ['Marked as', 'Made by hand'],
  ];
  return (
    <Stack gap="md">
      <Text>Check what will happen. Nothing is changed in PCI File Manager: the backup only reads the database and the bucket.</Text>
      <Table aria-label="What the backup will do" withRowBorders variant="vertical" layout="fixed">
        <Table.Tbody>
          {rows.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Th w={240}>{k}</Table.Th>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>{v}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text c="dimmed">You can keep working while it runs, and cancel it at any time: a cancelled backup saves nothing and leaves your earlier restore points as they are.</Text>
    </Stack>
  );
}
