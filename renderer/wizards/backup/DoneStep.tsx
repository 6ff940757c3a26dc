// Step 6: the result. Done: what was saved, new vs already stored data, how long it took, and a way
// to verify it now. Cancelled: said plainly, nothing was saved. Failed: what happened and what to do.
import { Alert, Button, Group, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconPlayerStop, IconShieldCheck } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import { BackupSummary } from '../../../shared/contract';
import { formatBytes, formatDateTime, formatDuration } from '../../../shared/format';
import type { Job } from '../../../shared/jobs';
import { ErrorAlert } from '../../components/ErrorAlert';
import { n, PART_LABEL, plural } from './words';

function Fact({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Stack gap={0}>
      <Text c="dimmed" size="sm">
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={testId}>
        {value}
      </Text>
    </Stack>
  );
}

function Saved({ summary, profile }: { summary: BackupSummary; profile: string }) {
  const navigate = useNavigate();
  const { stats } = summary;
  const query = `snapshot=${summary.snapshotId}&profile=${encodeURIComponent(profile)}`;
  return (
    <Stack gap="lg" data-testid="backup-done">
      <Alert color="green" icon={<IconCircleCheck />} title="Backup complete" role="status">
        <Text>
          The backup of “{profile}” from {formatDateTime(summary.createdAt)} is saved as a restore point in {summary.location}.
        </Text>
      </Alert>
      {(summary.warnings ?? []).map((w) => (
        <Alert key={w} color="orange" icon={<IconAlertTriangle />} title="Please note" data-testid="backup-warning">
          {w}
        </Alert>
      ))}
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Fact label="Everything in this restore point" value={formatBytes(stats.bytes)} testId="done-size" />
        <Fact label="New data stored" value={formatBytes(stats.newBytes)} testId="done-new" />
        {/* A first backup reuses nothing from earlier ones: what it did not store twice were repeats inside it. */}
        <Fact label={summary.parent === null ? 'Repeated data, stored once' : 'Already in the location (reused)'} value={formatBytes(stats.reusedBytes)} testId="done-reused" />
        <Fact label="Took" value={formatDuration(summary.durationMs / 1000)} testId="done-duration" />
      </SimpleGrid>
      <Table aria-label="What was saved" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Part</Table.Th>
            <Table.Th ta="right">Items</Table.Th>
            <Table.Th ta="right">Size</Table.Th>
            <Table.Th ta="right">New data</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {stats.sources.map((s) => (
            <Table.Tr key={`${s.kind}:${s.name}`}>
              <Table.Td>
                <Text fw={600}>{PART_LABEL[s.kind]}</Text>
                <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                  {s.name}
                  {s.kind === 'r2' && s.downloaded !== undefined ? ` · ${plural(s.downloaded, 'file')} copied, ${n(s.reused ?? 0)} unchanged` : ''}
                </Text>
              </Table.Td>
              <Table.Td ta="right">{s.kind === 'mongo' && s.collections ? `${plural(s.collections.length, 'collection')}, ${plural(s.collections.reduce((a, c) => a + c.documents, 0), 'document')}` : n(s.entries)}</Table.Td>
              <Table.Td ta="right">{formatBytes(s.bytes)}</Table.Td>
              <Table.Td ta="right">{formatBytes(s.newBytes)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text c={summary.consistency === 'best-effort' ? 'orange' : 'dimmed'}>{summary.consistencyNote}</Text>
      <Text c="dimmed" size="sm">
        {plural(stats.entries, 'item')} · {formatBytes(stats.storedBytes)} added on the backup drive after compression
      </Text>
      <Group>
        <Button leftSection={<IconShieldCheck size={18} />} onClick={() => void navigate(`/verify?${query}`)}>
          Verify now
        </Button>
        <Button variant="default" onClick={() => void navigate('/restore-points')}>
          See all restore points
        </Button>
      </Group>
    </Stack>
  );
}

export function DoneStep({ job, profile, onAgain }: { job: Job | null; profile: string; onAgain: () => void }) {
  if (!job) return <Text>Starting…</Text>;
  if (job.status === 'canceled') {
    return (
      <Stack gap="md">
        <Alert color="gray" icon={<IconPlayerStop />} title="Backup cancelled" role="status" data-testid="backup-cancelled">
          The backup was cancelled. Nothing was saved; your earlier restore points are unchanged.
        </Alert>
        <Group>
          <Button variant="default" onClick={onAgain}>
            Start again
          </Button>
        </Group>
      </Stack>
    );
  }
  if (job.status === 'failed') {
    return (
      <Stack gap="md">
        {job.error ? <ErrorAlert error={job.error} title={`The backup did not finish: ${job.error.title}`} /> : null}
        <Text>Nothing was saved; your earlier restore points are unchanged.</Text>
        <Group>
          <Button variant="default" onClick={onAgain}>
            Try again
          </Button>
        </Group>
      </Stack>
    );
  }
  const summary = BackupSummary.safeParse(job.summary);
  if (!summary.success) return <Text>The backup finished, but its summary cannot be shown. The restore points page lists it.</Text>;
  return <Saved summary={summary.data} profile={profile} />;
}
