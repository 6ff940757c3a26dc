// Step 2: where the backup goes — the connection's backup location, its free space, the restore points
// already there, and about how much this backup will add.
import { Alert, Button, Group, Loader, Progress, Stack, Table, Text } from '@mantine/core';
import { formatBytes, formatDateTime } from '../../../shared/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useProfiles } from '../../stores/profiles';
import { useBackup } from './state';
import { plural } from './words';

/** Blocks "Next" while the location is unknown or cannot be used (the backup would fail there). */
export function whereProblem(): string | null {
  const s = useBackup.getState();
  if (s.locationError) return 'The backup location cannot be used right now: see the message above.';
  if (!s.location) return 'Please wait until the backup location has been checked.';
  return null;
}

export function WhereStep() {
  const { profile, health, location, locationError, countJobId, choose } = useBackup();
  const view = useProfiles((s) => s.profiles?.find((p) => p.profile.name === profile));
  const dest = health?.destination;
  const list = location?.list;
  const describe = dest?.describe ?? list?.location ?? (view?.profile.destination.kind === 'folder' ? view.profile.destination.path : '');
  const used = dest?.totalBytes && dest.freeBytes !== null ? ((dest.totalBytes - dest.freeBytes) / dest.totalBytes) * 100 : null;
  const first = location?.protection === 'new' || location?.protection === 'new-saved';
  const estimate = dest?.estimatedNextBackupBytes ?? null;
  const rows: Array<[string, string]> = [
    ['Backup location', describe || '—'],
    ['Free space', dest ? (dest.freeBytes === null ? dest.message : `${formatBytes(dest.freeBytes)} of ${formatBytes(dest.totalBytes)}`) : '…'],
    [
      'Restore points there',
      !location ? '…' : first ? 'None yet: this backup sets the location up' : list ? `${plural(list.restorePoints.length, 'restore point')}${list.restorePoints[0] ? `, the newest from ${formatDateTime(list.restorePoints[0].createdAt)}` : ''}` : 'Protected by a passphrase: counted after the next step',
    ],
    ['This backup adds about', estimate !== null ? (dest?.estimateIsUpperBound ? `At most ${formatBytes(estimate)}: only what changed since the last backup is added` : formatBytes(estimate)) : countJobId ? 'Working it out: the files in R2 are being counted…' : 'Not known yet (the files in R2 have not been counted)'],
  ];
  return (
    <Stack gap="md">
      <Text>The backup is written to the location chosen for this connection. Only data that is not there yet is added.</Text>
      <Table aria-label="Backup location" withRowBorders variant="vertical" layout="fixed">
        <Table.Tbody>
          {rows.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Th w={240}>{k}</Table.Th>
              <Table.Td data-testid={`where-${k.split(' ')[0].toLowerCase()}`} style={{ overflowWrap: 'anywhere' }}>
                {v}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {used !== null ? <Progress value={used} color={dest?.state === 'ok' ? 'blue' : dest?.state === 'warn' ? 'orange' : 'red'} size="lg" aria-label="Space used on the backup drive" /> : null}
      {estimate !== null ? (
        <Text c="dimmed" size="sm">
          {first ? 'The first backup copies everything: the database and all files.' : 'Later backups only store what changed since the last one, so they are usually much smaller.'}
        </Text>
      ) : null}
      {dest && dest.state !== 'ok' ? (
        <Alert color={dest.state === 'warn' ? 'orange' : 'red'} title={dest.state === 'warn' ? 'Space is running low' : 'Problem with the backup location'}>
          {dest.message}
        </Alert>
      ) : null}
      {!location && !locationError ? (
        <Group gap="sm" role="status">
          <Loader size="sm" />
          <Text>Checking the backup location…</Text>
        </Group>
      ) : null}
      {locationError ? (
        <Stack gap="xs">
          <ErrorAlert error={locationError} />
          <Button variant="default" w="fit-content" onClick={() => profile && void choose(profile, view)}>
            Check again
          </Button>
        </Stack>
      ) : null}
    </Stack>
  );
}
