// "Could I recover right now, and how fast?": the newest restore point proven restorable (by a restore
// drill or a test restore), what would be lost, how long a full recovery would take, against the
// connection's targets; and the button that runs a restore drill.
import { Badge, Button, Card, Group, List, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { HealthReport } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';
import { isFinal } from '../../../shared/jobs';
import { ago, formatDateTime, formatDuration } from '../../../shared/format';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { downloadText } from '../../components/download';
import { useJobs } from '../../stores/jobs';

type Light = HealthReport['recovery']['overall'];

const LIGHT: Record<Light, { color: string; text: string }> = {
  green: { color: 'green', text: 'On target' },
  amber: { color: 'orange', text: 'Needs attention' },
  red: { color: 'red', text: 'Off target' },
};

const hours = (s: number) => formatDuration(s);

export function RecoveryCard({ report }: { report: HealthReport }) {
  const r = report.recovery;
  const [error, setError] = useState<UserErrorData | null>(null);
  const running = useJobs((s) => Object.values(s.jobs).find((j) => j.kind === 'drill' && j.profile === report.profile && !isFinal(j.status)) ?? null);

  const start = () => {
    setError(null);
    api.drill.start({ profile: report.profile }).then(
      (job) => useJobs.getState().upsert(job),
      (err: unknown) => setError(errorData(err)),
    );
  };

  const downloadReport = () => {
    setError(null);
    api.drill.report({ profile: report.profile }).then(
      ({ fileName, html }) => downloadText(fileName, html, 'text/html'),
      (err: unknown) => setError(errorData(err)),
    );
  };

  return (
    <Card withBorder radius="md" p="lg" aria-label="Could you recover right now?" data-testid="card-recovery">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Title order={2} size="h4">
          Could you recover right now?
        </Title>
        <Badge color={LIGHT[r.overall].color} variant="light">
          {LIGHT[r.overall].text}
        </Badge>
      </Group>
      <Stack gap={6} mt="sm">
        <Text size="lg" data-testid="recovery-proven">
          {r.provenRestorableAt
            ? `Last proven restorable: the backup from ${ago(r.provenRestorableAt)} (${formatDateTime(r.provenRestorableAt)}), by a ${r.provenBy === 'drill' ? 'restore drill' : 'test restore'}.`
            : 'Not proven yet: no test restore or restore drill of a backup has passed.'}
        </Text>
        <Text data-testid="recovery-time" c={r.rto === 'red' ? 'red' : undefined}>
          {r.recoverySeconds !== null
            ? `A full recovery would take about ${hours(r.recoverySeconds)}${r.recoverySampled ? ' (projected from a sample)' : ''} — the target is ${hours(r.rtoSeconds)}.`
            : `How long a full recovery takes is not measured yet — the target is ${hours(r.rtoSeconds)}.`}
        </Text>
        <Text data-testid="recovery-loss" c={r.rpo === 'red' ? 'red' : undefined}>
          {r.lossSeconds !== null
            ? `You could lose at most ${hours(r.lossSeconds)} of changes — the target is ${hours(r.rpoSeconds)}.`
            : `You could lose everything since the start: no backup is proven restorable — the target is at most ${hours(r.rpoSeconds)}.`}
        </Text>
        {r.advice.length > 0 ? (
          <List size="sm" spacing={4} aria-label="What to do">
            {r.advice.map((a) => (
              <List.Item key={a.id}>{a.text}</List.Item>
            ))}
          </List>
        ) : null}
        {error ? <ErrorAlert error={error} /> : null}
        <Group mt="xs">
          <Button variant="light" onClick={start} loading={Boolean(running)} disabled={report.lastBackup.state === 'none'}>
            Run a restore drill
          </Button>
          {r.lastDrillAt ? (
            <>
              <Button variant="subtle" onClick={downloadReport}>
                Download the drill report
              </Button>
              <Text c="dimmed" size="sm">
                Last drill {ago(r.lastDrillAt)}.
              </Text>
            </>
          ) : null}
        </Group>
      </Stack>
    </Card>
  );
}
