// The dashboard: what is happening now and what happened last. Cards for backups, MongoDB, R2 and
// the backup location join once a PCI File Manager installation is connected.
import { Badge, Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { HistoryItem } from '../../shared/contract';
import { isFinal } from '../../shared/jobs';
import { formatDateTime } from '../../shared/format';
import { api } from '../api';
import { useJobs } from '../stores/jobs';
import { useApp } from '../stores/app';
import { JobProgressView } from '../components/JobProgressView';

export function DashboardPage() {
  const info = useApp((s) => s.info);
  const jobs = useJobs((s) => s.jobs);
  const version = useJobs((s) => s.historyVersion);
  const [last, setLast] = useState<HistoryItem | null | undefined>(undefined);
  const running = Object.values(jobs).filter((j) => !isFinal(j.status));

  useEffect(() => {
    api.history.list({ limit: 1 }).then((p) => setLast(p.items[0] ?? null), () => setLast(null));
  }, [version]);

  return (
    <Stack gap="lg">
      <Title order={1}>Dashboard</Title>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Card withBorder radius="md" p="lg" aria-label="Connection">
          <Title order={2} size="h3">
            PCI File Manager
          </Title>
          <Text mt="sm" size="lg">
            No installation is connected yet.
          </Text>
          <Text c="dimmed">Connecting your MongoDB database and R2 bucket arrives in a coming version; then this page shows their health.</Text>
        </Card>
        <Card withBorder radius="md" p="lg" aria-label="Last operation">
          <Title order={2} size="h3">
            Last operation
          </Title>
          {last === undefined ? <Text mt="sm">Loading…</Text> : null}
          {last === null ? (
            <Text mt="sm" size="lg">
              Nothing has run yet.
            </Text>
          ) : null}
          {last ? (
            <Stack gap={4} mt="sm">
              <Text size="lg" fw={600}>
                {last.title}
              </Text>
              <Text>{formatDateTime(last.startedAt)}</Text>
              <Badge color={last.status === 'succeeded' ? 'green' : last.status === 'failed' ? 'red' : 'gray'}>{last.status}</Badge>
            </Stack>
          ) : null}
        </Card>
      </SimpleGrid>
      {running.length > 0 ? (
        <Card withBorder radius="md" p="lg" aria-label="Running now">
          <Title order={2} size="h3" mb="sm">
            Running now
          </Title>
          <Stack>
            {running.map((job) => (
              <Stack key={job.id} gap={4}>
                <Text fw={600}>{job.title}</Text>
                <JobProgressView job={job} onCancel={() => void api.jobs.cancel({ id: job.id })} />
              </Stack>
            ))}
          </Stack>
        </Card>
      ) : null}
      {info ? (
        <Text c="dimmed" size="sm">
          PCI Maintenance {info.version} · data folder {info.dataFolder}
        </Text>
      ) : null}
    </Stack>
  );
}
