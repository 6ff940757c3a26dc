// The maintenance tasks: what each does, when it last ran and what it did, "Run now"; and the nightly
// run with how long logs and history are kept.
import { Badge, Button, Card, Group, NumberInput, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { MaintenanceOverview, MaintenanceTaskId } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { isFinal } from '../../../shared/jobs';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { JobProgressView } from '../../components/JobProgressView';
import { useJobs } from '../../stores/jobs';

export function TasksSection() {
  const [overview, setOverview] = useState<MaintenanceOverview | null>(null);
  const [error, setError] = useState<UserErrorData | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useJobs((s) => (jobId ? (s.jobs[jobId] ?? null) : null));
  const version = useJobs((s) => s.historyVersion);
  const running = job !== null && !isFinal(job.status);

  const load = useCallback(() => {
    api.maintenance.overview({}).then(setOverview, (err: unknown) => setError(errorData(err)));
  }, []);
  useEffect(load, [load, version]);

  const run = (task: MaintenanceTaskId | 'all') => {
    setError(null);
    api.maintenance.run({ task }).then(
      (j) => {
        useJobs.getState().upsert(j);
        setJobId(j.id);
      },
      (err: unknown) => setError(errorData(err)),
    );
  };

  const save = (change: Partial<MaintenanceOverview['settings']>) => {
    api.maintenance.setSettings(change).then(setOverview, (err: unknown) => setError(errorData(err)));
  };

  return (
    <Stack gap="md" component="section" aria-label="Maintenance tasks">
      <Group justify="space-between" align="flex-end">
        <Title order={2}>Housekeeping</Title>
        <Button variant="light" onClick={() => run('all')} disabled={running}>
          Run all now
        </Button>
      </Group>
      {error ? <ErrorAlert error={error} /> : null}
      {job && running ? (
        <Card withBorder p="md">
          <JobProgressView job={job} />
        </Card>
      ) : null}
      {job && job.status === 'failed' && job.error ? <ErrorAlert error={job.error} title="Some maintenance could not finish" /> : null}
      {overview ? (
        <Table aria-label="Maintenance tasks" verticalSpacing="sm" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="30%">Task</Table.Th>
              <Table.Th w="18%">Last run</Table.Th>
              <Table.Th>What it did</Table.Th>
              <Table.Th w={120} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {overview.tasks.map((t) => (
              <Table.Tr key={t.id} data-task={t.id}>
                <Table.Td>
                  <Text fw={600}>{t.title}</Text>
                  <Text size="sm" c="dimmed">
                    {t.description}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {t.lastRun ? (
                    <Stack gap={4}>
                      <Text size="sm">{formatDateTime(t.lastRun.at)}</Text>
                      <Badge color={t.lastRun.ok ? 'green' : 'red'} variant="light" w="fit-content">
                        {t.lastRun.ok ? 'Done' : 'Problem'}
                      </Badge>
                    </Stack>
                  ) : (
                    <Text size="sm" c="dimmed">
                      Never
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" data-testid={`did-${t.id}`}>
                    {t.lastRun?.did ?? '—'}
                  </Text>
                  {t.lastRun?.opId ? (
                    <Text size="sm" component={Link} to={`/runs/${t.lastRun.opId}`} c="blue">
                      Details
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <Button size="xs" variant="default" onClick={() => run(t.id)} disabled={running} aria-label={`Run now: ${t.title}`}>
                    Run now
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {overview ? <NightlySettings overview={overview} onSave={save} /> : null}
    </Stack>
  );
}

function NightlySettings({ overview, onSave }: { overview: MaintenanceOverview; onSave: (change: Partial<MaintenanceOverview['settings']>) => void }) {
  const s = overview.settings;
  const [time, setTime] = useState(s.time);
  const [logDays, setLogDays] = useState<number | string>(s.logRetentionDays);
  const [historyDays, setHistoryDays] = useState<number | string>(s.historyRetentionDays);
  const changed = time !== s.time || Number(logDays) !== s.logRetentionDays || Number(historyDays) !== s.historyRetentionDays;
  return (
    <Card withBorder p="md" component="section" aria-label="Nightly maintenance">
      <Stack gap="sm">
        <Switch label="Run every task once a day" description={overview.nextRunAt ? `Next: ${formatDateTime(overview.nextRunAt)}` : 'While the app or "pci-maint serve" is running.'} checked={s.enabled} onChange={(e) => onSave({ enabled: e.currentTarget.checked })} />
        <Group align="flex-end">
          <TextInput type="time" label="At" value={time} onChange={(e) => setTime(e.currentTarget.value)} w={120} />
          <NumberInput label="Keep compressed logs (days)" min={1} max={365} value={logDays} onChange={setLogDays} w={220} />
          <NumberInput label="Keep history (days)" min={7} max={3650} value={historyDays} onChange={setHistoryDays} w={180} />
          <Button variant="default" disabled={!changed} onClick={() => onSave({ time, logRetentionDays: Number(logDays), historyRetentionDays: Number(historyDays) })}>
            Save
          </Button>
        </Group>
        <Text size="sm" c="dimmed">
          Logs of PCI Maintenance: {overview.logsFolder}
        </Text>
      </Stack>
    </Card>
  );
}
