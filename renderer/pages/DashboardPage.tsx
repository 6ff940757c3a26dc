// The dashboard: the health of the connected PCI File Manager (or the way to connect one), what is
// running now and what happened last.
import { Button, Card, Group, Loader, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconPlugConnected } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import type { HealthReport, HistoryItem } from '../../shared/contract';
import type { UserErrorData } from '../../shared/errors';
import { isFinal } from '../../shared/jobs';
import { formatDateTime } from '../../shared/format';
import { api, errorData } from '../api';
import { useJobs } from '../stores/jobs';
import { useApp } from '../stores/app';
import { useProfiles } from '../stores/profiles';
import { JobProgressView } from '../components/JobProgressView';
import { ErrorAlert } from '../components/ErrorAlert';
import { PROBLEMS_TEXT, StatusBadge } from '../components/StatusBadge';
import { HealthCards, RecommendedActions } from './dashboard/HealthCards';
import { BackupChart } from './dashboard/BackupChart';
import { RecoveryCard } from './dashboard/RecoveryCard';

function ConnectCard() {
  const navigate = useNavigate();
  return (
    <Card withBorder radius="md" p="lg" aria-label="Connection">
      <Title order={2} size="h3">
        PCI File Manager
      </Title>
      <Text mt="sm" size="lg">
        No installation is connected yet.
      </Text>
      <Text c="dimmed">Connect your MongoDB database, your R2 bucket and a backup location; then this page shows their health.</Text>
      <Button mt="md" w="fit-content" leftSection={<IconPlugConnected size={18} />} onClick={() => void navigate('/connect')}>
        Connect PCI File Manager
      </Button>
    </Card>
  );
}

/** The health of one connection; refreshed whenever a job finishes. Counts the bucket the first time. */
function Health({ profile }: { profile: string }) {
  const version = useJobs((s) => s.historyVersion);
  const jobs = useJobs((s) => s.jobs);
  const [report, setReport] = useState<HealthReport | null>(null);
  const [error, setError] = useState<UserErrorData | null>(null);
  const [again, setAgain] = useState(0);
  const countStarted = useRef<string | null>(null);

  useEffect(() => {
    let live = true;
    api.health.get({ profile }).then(
      (r) => live && (setReport(r), setError(null)),
      (err: unknown) => live && setError(errorData(err)),
    );
    return () => {
      live = false;
    };
  }, [profile, version, again]);

  const count = () => {
    countStarted.current = profile;
    api.health.countBucket({ profile }).then((job) => useJobs.getState().upsert(job), (err: unknown) => setError(errorData(err)));
  };
  // The file numbers of the bucket come from a count (a job): the first visit starts one, and so does
  // a visit when the count is older than 15 minutes or than the last backup (an old number hides damage).
  useEffect(() => {
    if (!report?.r2 || report.profile !== profile || !report.r2.reachable || report.r2.countJobId || countStarted.current === profile) return;
    const at = report.r2.countedAt ? Date.parse(report.r2.countedAt) : null;
    const stale = at === null || Date.now() - at > 15 * 60_000 || (report.lastBackup.at !== null && Date.parse(report.lastBackup.at) > at);
    if (stale) count();
  });

  const countJob = Object.values(jobs).find((j) => j.kind === 'health' && j.profile === profile && !isFinal(j.status)) ?? null;
  if (error) return <ErrorAlert error={error} />;
  if (!report || report.profile !== profile) {
    return (
      <Group gap="sm" role="status">
        <Loader size="sm" />
        <Text>Checking MongoDB, R2 and the backup location…</Text>
      </Group>
    );
  }
  return (
    <Stack gap="lg" data-testid="health">
      <RecommendedActions report={report} onChanged={() => setAgain((n) => n + 1)} />
      <RecoveryCard report={report} />
      <HealthCards report={report} countJob={countJob} onCount={count} />
      <BackupChart points={report.backups} />
    </Stack>
  );
}

export function DashboardPage() {
  const info = useApp((s) => s.info);
  const jobs = useJobs((s) => s.jobs);
  const version = useJobs((s) => s.historyVersion);
  const { profiles, selected, load, select } = useProfiles();
  const [last, setLast] = useState<HistoryItem | null | undefined>(undefined);
  const running = Object.values(jobs).filter((j) => !isFinal(j.status));

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    api.history.list({ limit: 1 }).then((p) => setLast(p.items[0] ?? null), () => setLast(null));
  }, [version]);

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1}>Dashboard</Title>
        {profiles && profiles.length > 1 ? (
          <Select label="Connection" data={profiles.map((p) => p.profile.name)} value={selected} onChange={(v) => v && select(v)} allowDeselect={false} w={260} />
        ) : null}
      </Group>
      {profiles === null ? <Text>Loading…</Text> : null}
      {profiles && profiles.length === 0 ? <ConnectCard /> : null}
      {selected ? <Health profile={selected} /> : null}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
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
              <StatusBadge status={last.status} w="fit-content" />
              {last.status === 'problems' && last.error ? <Text c={PROBLEMS_TEXT}>{last.error.message}</Text> : null}
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
