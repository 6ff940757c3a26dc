// One restore point in detail: what it holds (per part), how consistent its database copy is, the
// counts, its verification, and the two things to do with it: verify it, or roll back to it.
import { Alert, Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { IconRestore, IconShieldCheck } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import type { RestorePoint, RestorePointDetail, SnapshotVerification } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';
import { formatBytes, formatDateTime, formatDuration } from '../../../shared/format';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TRIGGER_WORDS, verifiedWords } from './words';

const PART: Record<RestorePoint['sources'][number]['kind'], string> = { mongo: 'Database', r2: 'Files in R2', files: 'Configuration folder', sqlite: 'SQLite database', postgres: 'PostgreSQL database' };
const num = (v: number) => v.toLocaleString('en-US');

export function PointDetail({ point, profile, passphrase, verification }: { point: RestorePoint; profile: string; passphrase?: string; verification: SnapshotVerification | null }) {
  const navigate = useNavigate();
  const [detail, setDetail] = useState<RestorePointDetail | null>(null);
  const [error, setError] = useState<UserErrorData | null>(null);
  useEffect(() => {
    let live = true;
    api.snapshots.get({ profile, passphrase, id: point.id }).then(
      (d) => live && setDetail(d),
      (err: unknown) => live && setError(errorData(err)),
    );
    return () => {
      live = false;
    };
  }, [profile, passphrase, point.id]);

  const p = detail ?? point;
  const trigger = TRIGGER_WORDS[p.trigger];
  const verified = verifiedWords(verification);
  const ownTags = p.tags.filter((t) => t !== p.trigger); // the trigger's own tag is already said above
  const query = `snapshot=${p.id}&profile=${encodeURIComponent(profile)}`;
  const facts: Array<[string, string]> = [
    ['Made', `${formatDateTime(p.createdAt)} (took ${formatDuration(p.durationMs / 1000)})`],
    ['Why', `${trigger.help}${ownTags.length ? ` Tags: ${ownTags.join(', ')}.` : ''}`],
    ['Everything in it', `${formatBytes(p.size)} in ${num(p.entries)} items`],
    ['New data when it was made', formatBytes(p.newData)],
    ['Added on the backup drive', formatBytes(p.storedBytes)],
    ['Made by', `PCI Maintenance ${p.appVersion} on the computer “${p.hostname}”, for the connection “${p.profile}”`],
    ['Restore point ID', p.id],
    ...(detail ? ([['Backup location', detail.location]] as Array<[string, string]>) : []),
  ];
  return (
    <Stack gap="md" data-testid="point-detail">
      <Group gap="xs">
        <Badge color={trigger.color} variant="light" size="lg">
          {trigger.label}
        </Badge>
        <Badge color={verified.color} variant="light" size="lg">
          {verified.label}
        </Badge>
      </Group>
      <Text>{verified.detail}</Text>
      <Group>
        <Button leftSection={<IconShieldCheck size={18} />} onClick={() => void navigate(`/verify?${query}`)}>
          Verify
        </Button>
        <Button variant="default" leftSection={<IconRestore size={18} />} onClick={() => void navigate(`/restore?${query}`)}>
          Restore…
        </Button>
      </Group>
      <Table aria-label="About this restore point" withRowBorders variant="vertical" layout="fixed">
        <Table.Tbody>
          {facts.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Th w={190}>{k}</Table.Th>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>{v}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Table aria-label="What it holds" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Part</Table.Th>
            <Table.Th ta="right">Items</Table.Th>
            <Table.Th ta="right">Size</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {p.sources.map((s) => (
            <Table.Tr key={`${s.kind}:${s.name}`}>
              <Table.Td>
                <Text fw={600}>{PART[s.kind]}</Text>
                <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                  {s.name}
                </Text>
              </Table.Td>
              <Table.Td ta="right">{num(s.entries)}</Table.Td>
              <Table.Td ta="right">{formatBytes(s.bytes)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Alert color={p.consistency === 'point-in-time' ? 'green' : 'orange'} title={p.consistency === 'point-in-time' ? 'Database copied at one moment' : 'Database copied while in use'}>
        {p.consistencyNote ?? (p.consistency === 'point-in-time' ? 'The database was read as it was at one moment.' : 'Changes made during the backup may be partly included.')}
      </Alert>
      {error ? <ErrorAlert error={error} title="This restore point cannot be read right now" /> : null}
    </Stack>
  );
}
