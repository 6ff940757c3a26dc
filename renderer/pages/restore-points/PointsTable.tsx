// The restore points as a table, newest first; those that cannot be read are listed with their
// message (never hidden), after the others.
import { Badge, Button, Table, Text, VisuallyHidden } from '@mantine/core';
import type { RestorePoint, RestorePointList, VerifyStatus } from '../../../shared/contract';
import { formatBytes, formatDateTime } from '../../../shared/format';
import { TRIGGER_WORDS, ago, verifiedWords } from './words';

export function PointsTable({ points, unreadable, status, onOpen }: { points: RestorePoint[]; unreadable: RestorePointList['unreadable']; status: VerifyStatus | null; onOpen: (id: string) => void }) {
  return (
    <Table striped highlightOnHover aria-label="Restore points" verticalSpacing="sm">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>When</Table.Th>
          <Table.Th>Why</Table.Th>
          <Table.Th ta="right">Size</Table.Th>
          <Table.Th ta="right">New data</Table.Th>
          <Table.Th>Verified</Table.Th>
          <Table.Th>
            <VisuallyHidden>Details</VisuallyHidden>
          </Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {points.map((p) => {
          const when = formatDateTime(p.createdAt);
          const trigger = TRIGGER_WORDS[p.trigger];
          const verified = verifiedWords(status?.snapshots[p.id]);
          return (
            <Table.Tr key={p.id} data-testid={`point-${p.id}`}>
              <Table.Td>
                <Text fw={600}>{when}</Text>
                <Text size="sm" c="dimmed">
                  {ago(p.createdAt)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge color={trigger.color} variant="light">
                  {trigger.label}
                </Badge>
              </Table.Td>
              <Table.Td ta="right">{formatBytes(p.size)}</Table.Td>
              <Table.Td ta="right">{formatBytes(p.newData)}</Table.Td>
              <Table.Td>
                <Badge color={verified.color} variant="light" title={verified.detail}>
                  {verified.label}
                </Badge>
              </Table.Td>
              <Table.Td ta="right">
                <Button variant="default" size="xs" onClick={() => onOpen(p.id)} aria-label={`Details of the restore point of ${when}`}>
                  Details
                </Button>
              </Table.Td>
            </Table.Tr>
          );
        })}
        {unreadable.map((u) => (
          <Table.Tr key={u.id} data-testid={`unreadable-${u.id}`}>
            <Table.Td>
              <Text fw={600} c="red">
                Cannot be read
              </Text>
              <Text size="xs" c="dimmed" ff="monospace">
                {u.id}
              </Text>
            </Table.Td>
            <Table.Td colSpan={5}>
              <Text c="red">{u.message}</Text>
              <Text size="sm" c="dimmed">
                This restore point is damaged and cannot be used. Run “Verify” to check the whole backup location; the next backup stores a fresh copy of everything.
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
