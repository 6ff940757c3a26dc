// A running job: phase, a progress bar, items and bytes, time left, and Cancel.
import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import type { Job } from '../../shared/jobs';
import { formatBytes, formatDatesIn, formatTimeLeft } from '../../shared/format';

export function percentOf(job: Job): number | null {
  const p = job.progress;
  if (p.bytesTotal) return Math.min(100, (p.bytesDone / p.bytesTotal) * 100);
  if (p.total) return Math.min(100, (p.done / p.total) * 100);
  return null;
}

export function JobProgressView({ job, onCancel }: { job: Job; onCancel?: () => void }) {
  const pct = percentOf(job);
  const p = job.progress;
  const canceling = job.status === 'canceling';
  return (
    <Stack gap="sm" aria-live="polite">
      <Text size="xl" fw={600}>
        {canceling ? 'Stopping…' : p.phase}
      </Text>
      <Progress value={pct ?? 100} animated={pct === null || canceling} size="xl" aria-label={`${job.title} progress`} />
      <Group justify="space-between">
        <Text>
          {p.total ? `${p.done.toLocaleString()} of ${p.total.toLocaleString()} ${p.unit}` : p.done ? `${p.done.toLocaleString()} ${p.unit}` : ''}
          {p.bytesTotal ? ` · ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}` : p.bytesDone ? ` · ${formatBytes(p.bytesDone)}` : ''}
        </Text>
        <Text c="dimmed">{pct !== null ? `${Math.floor(pct)} % · ${formatTimeLeft(p.etaSeconds)}` : ''}</Text>
      </Group>
      {p.message ? <Text c="dimmed">{formatDatesIn(p.message)}</Text> : null}
      {onCancel ? (
        <Group>
          <Button variant="default" color="red" onClick={onCancel} disabled={canceling}>
            Cancel
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}
