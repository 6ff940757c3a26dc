// History: every operation the app ran, newest first, from the history database.
import { Anchor, Badge, Button, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useEffect, useState } from 'react';
import type { HistoryPage as Page } from '../../shared/contract';
import { JOB_KINDS, JOB_STATUSES, type JobStatus } from '../../shared/jobs';
import type { UserErrorData } from '../../shared/errors';
import { formatDateTime, formatDuration } from '../../shared/format';
import { api, errorData } from '../api';
import { useJobs } from '../stores/jobs';
import { ErrorAlert } from '../components/ErrorAlert';

const PAGE_SIZE = 25;
const STATUS_COLOR: Record<JobStatus, string> = { running: 'blue', canceling: 'orange', canceled: 'gray', succeeded: 'green', failed: 'red' };
const STATUS_WORD: Record<JobStatus, string> = { running: 'Running', canceling: 'Stopping', canceled: 'Cancelled', succeeded: 'Succeeded', failed: 'Failed' };

export function HistoryPage() {
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<UserErrorData | null>(null);
  const [offset, setOffset] = useState(0);
  const [kind, setKind] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const version = useJobs((s) => s.historyVersion);

  useEffect(() => {
    let live = true;
    api.history
      .list({ limit: PAGE_SIZE, offset, kind: (kind ?? undefined) as never, status: (status ?? undefined) as never })
      .then((p) => live && (setPage(p), setError(null)))
      .catch((err: unknown) => live && setError(errorData(err)));
    return () => {
      live = false;
    };
  }, [offset, kind, status, version]);

  return (
    <Stack gap="lg">
      <Title order={1}>History</Title>
      <Text size="lg">Everything PCI Maintenance did: backups, checks, restores and maintenance, newest first.</Text>
      <Group>
        <Select label="Kind" placeholder="All kinds" data={JOB_KINDS.map((k) => ({ value: k, label: k }))} value={kind} onChange={(v) => (setKind(v), setOffset(0))} clearable />
        <Select label="Result" placeholder="All results" data={JOB_STATUSES.map((s) => ({ value: s, label: STATUS_WORD[s] }))} value={status} onChange={(v) => (setStatus(v), setOffset(0))} clearable />
      </Group>
      {error ? <ErrorAlert error={error} /> : null}
      {page && page.items.length === 0 ? (
        <Text size="lg" c="dimmed" data-testid="history-empty">
          {kind || status ? 'Nothing matches these filters.' : 'Nothing has happened yet. When you make a backup or run a check, it will be listed here.'}
        </Text>
      ) : null}
      {page && page.items.length > 0 ? (
        <Table striped highlightOnHover aria-label="Operations">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>What</Table.Th>
              <Table.Th>Result</Table.Th>
              <Table.Th>Took</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {page.items.map((item) => (
              <Table.Tr key={item.id}>
                <Table.Td>{formatDateTime(item.startedAt)}</Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/runs/${item.id}`} fw={500}>
                    {item.title}
                  </Anchor>
                  {item.error ? <Text c="red">{item.error.message}</Text> : null}
                </Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLOR[item.status]}>{STATUS_WORD[item.status]}</Badge>
                </Table.Td>
                <Table.Td>{item.durationMs === null ? '—' : formatDuration(item.durationMs / 1000)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {page && page.total > PAGE_SIZE ? (
        <Group>
          <Button variant="default" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
            Newer
          </Button>
          <Text>
            {offset + 1}–{Math.min(offset + PAGE_SIZE, page.total)} of {page.total}
          </Text>
          <Button variant="default" disabled={offset + PAGE_SIZE >= page.total} onClick={() => setOffset(offset + PAGE_SIZE)}>
            Older
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}
