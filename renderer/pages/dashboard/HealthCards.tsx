// The health cards of one connection: backups, verification, consistency, MongoDB, R2, backup location.
import { Badge, Button, Card, Group, Progress, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconInfoCircle, IconX } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router';
import type { CountComparison, HealthReport, HealthState, LastRun } from '../../../shared/contract';
import type { Job } from '../../../shared/jobs';
import { formatBytes, formatDateTime } from '../../../shared/format';
import { RememberPassphraseButton } from '../../components/PassphraseAsk';
import { PROBLEMS_TEXT } from '../../components/StatusBadge';

const BADGE: Record<HealthState, { color: string; text: string }> = {
  ok: { color: 'green', text: 'OK' },
  warn: { color: 'orange', text: 'Needs attention' },
  error: { color: 'red', text: 'Problem' },
  none: { color: 'gray', text: 'Not yet' },
};

function HealthCard({ title, state, children, testId }: { title: string; state: HealthState; children: ReactNode; testId: string }) {
  return (
    <Card withBorder radius="md" p="lg" aria-label={title} data-testid={testId}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Title order={2} size="h4">
          {title}
        </Title>
        <Badge color={BADGE[state].color} variant="light">
          {BADGE[state].text}
        </Badge>
      </Group>
      <Stack gap={4} mt="sm">
        {children}
      </Stack>
    </Card>
  );
}

function Fact({ label, value, testId }: { label: string; value: ReactNode; testId?: string }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Text c="dimmed" w={140}>
        {label}
      </Text>
      <Text fw={600} data-testid={testId}>
        {value}
      </Text>
    </Group>
  );
}

function RunCard({ title, run, testId }: { title: string; run: LastRun; testId: string }) {
  return (
    <HealthCard title={title} state={run.state} testId={testId}>
      <Text size="lg">{run.message}</Text>
      {run.at ? <Text c="dimmed">{formatDateTime(run.at)}</Text> : null}
      {run.error ? <Text c={run.status === 'problems' ? PROBLEMS_TEXT : 'red'}>{run.error.hint}</Text> : null}
    </HealthCard>
  );
}

const n = (v: number | null) => (v === null ? '—' : v.toLocaleString());

/** Today's numbers against the last backup and the pre-update baseline: what went down or away. */
function Comparisons({ list, testId }: { list: CountComparison[]; testId: string }) {
  if (list.length === 0) return null;
  return (
    <Stack gap={6} mt="xs">
      {list.map((c) => (
        <Stack key={c.against} gap={2} data-testid={`${testId}-${c.against}`} data-loss={c.loss}>
          <Text size="sm" fw={c.loss ? 600 : undefined} c={c.loss ? PROBLEMS_TEXT : undefined}>
            {c.summary}
          </Text>
          <Text size="sm" c="dimmed">
            {c.against === 'backup' ? 'Last backup' : 'Baseline'}: {formatDateTime(c.at)}
          </Text>
          {c.changes.slice(0, 5).map((line) => (
            <Text key={line} size="sm" c={c.loss ? PROBLEMS_TEXT : undefined} style={{ overflowWrap: 'anywhere' }}>
              {line}
            </Text>
          ))}
          {c.changes.length > 5 ? <Text size="sm">… and {c.changes.length - 5} more.</Text> : null}
        </Stack>
      ))}
    </Stack>
  );
}

export function HealthCards({ report, countJob, onCount }: { report: HealthReport; countJob: Job | null; onCount: () => void }) {
  const { mongo, r2, destination: dest } = report;
  const used = dest.totalBytes && dest.freeBytes !== null ? ((dest.totalBytes - dest.freeBytes) / dest.totalBytes) * 100 : null;
  return (
    <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="lg">
      <RunCard title="Last backup" run={report.lastBackup} testId="card-backup" />
      <RunCard title="Last verification" run={report.lastVerify} testId="card-verify" />
      {mongo && r2 ? <RunCard title="Storage check" run={report.consistency} testId="card-consistency" /> : null}
      {mongo ? (
        <HealthCard title="MongoDB" state={mongo.state} testId="card-mongo">
          {mongo.error ? (
            <>
              <Text>{mongo.error.message}</Text>
              <Text fw={600}>{mongo.error.hint}</Text>
            </>
          ) : (
            <>
              <Fact label="Database" value={mongo.database} />
              <Fact label="Version" value={mongo.version ?? '—'} />
              <Fact label="Size" value={formatBytes(mongo.sizeBytes)} />
              <Fact label="Collections" value={n(mongo.collections)} testId="mongo-collections" />
              <Fact label="Documents" value={n(mongo.documents)} testId="mongo-documents" />
              <Comparisons list={mongo.comparisons} testId="mongo-compare" />
            </>
          )}
        </HealthCard>
      ) : null}
      {r2 ? (
        <HealthCard title="R2 bucket" state={r2.state} testId="card-r2">
          {r2.error ? (
            <>
              <Text>{r2.error.message}</Text>
              <Text fw={600}>{r2.error.hint}</Text>
            </>
          ) : (
            <>
              <Fact label="Bucket" value={`${r2.bucket} (reachable)`} />
              <Fact label="Files" value={countJob ? `Counting… ${n(countJob.progress.done)}` : r2.countedAt ? n(r2.objects) : 'Not counted yet'} testId="r2-objects" />
              <Fact label="Total size" value={countJob ? formatBytes(countJob.progress.bytesDone) : formatBytes(r2.totalBytes)} testId="r2-bytes" />
              {r2.countedAt ? <Text c="dimmed">Counted {formatDateTime(r2.countedAt)}</Text> : null}
              {!countJob ? <Comparisons list={r2.comparisons} testId="r2-compare" /> : null}
              {!countJob ? (
                <Button variant="subtle" size="compact-sm" w="fit-content" onClick={onCount}>
                  {r2.countedAt ? 'Count again' : 'Count the files'}
                </Button>
              ) : null}
            </>
          )}
        </HealthCard>
      ) : null}
      <HealthCard title="Backup location" state={dest.state} testId="card-destination">
        <Text style={{ overflowWrap: 'anywhere' }}>{dest.describe}</Text>
        <Text size="lg">{dest.message}</Text>
        {used !== null ? <Progress value={used} color={dest.state === 'ok' ? 'blue' : dest.state === 'warn' ? 'orange' : 'red'} aria-label={`Backup drive ${Math.round(used)} % used`} /> : null}
        {dest.estimatedNextBackupBytes !== null ? (
          <Text c="dimmed">
            Next backup: {dest.estimateIsUpperBound ? `at most ${formatBytes(dest.estimatedNextBackupBytes)} (only what changed is added)` : `about ${formatBytes(dest.estimatedNextBackupBytes)}`}
          </Text>
        ) : null}
      </HealthCard>
    </SimpleGrid>
  );
}

const ROUTE_LABEL: Record<string, string> = { '/backup': 'Back up', '/verify': 'Verify', '/check': 'Check', '/settings': 'Settings', '/history': 'History', '/restore': 'Restore', '/plan': 'Open the plan' };

const ACTION_ICON = {
  error: { color: 'red', icon: <IconX size={16} /> },
  warn: { color: 'orange', icon: <IconAlertTriangle size={16} /> },
  info: { color: 'blue', icon: <IconInfoCircle size={16} /> },
} as const;

export function RecommendedActions({ report, onChanged }: { report: HealthReport; onChanged?: () => void }) {
  const navigate = useNavigate();
  return (
    <Card withBorder radius="md" p="lg" aria-label="Recommended actions" data-testid="card-actions">
      <Title order={2} size="h4" mb="sm">
        What to do next
      </Title>
      {report.actions.length === 0 ? (
        <Group gap="xs">
          <ThemeIcon color="green" radius="xl" size="md">
            <IconCircleCheck size={16} />
          </ThemeIcon>
          <Text>Nothing to do: everything looks good.</Text>
        </Group>
      ) : (
        <Stack gap="sm" component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
          {report.actions.map((a) => (
            <li key={a.id}>
              <Group gap="sm" wrap="nowrap" align="flex-start">
                <ThemeIcon color={ACTION_ICON[a.severity].color} radius="xl" size="md" aria-hidden>
                  {ACTION_ICON[a.severity].icon}
                </ThemeIcon>
                <Text style={{ flex: 1 }}>{a.text}</Text>
                {a.route ? (
                  <Button variant="light" size="compact-sm" onClick={() => void navigate(a.route!)}>
                    {ROUTE_LABEL[a.route] ?? 'Open'}
                  </Button>
                ) : null}
                {a.id === 'remember-passphrase' ? <RememberPassphraseButton profile={report.profile} onDone={() => onChanged?.()} /> : null}
              </Group>
            </li>
          ))}
        </Stack>
      )}
    </Card>
  );
}
