// One past run, opened from a notification or the maintenance page: what it was, how it ended, what
// to do, and its log.
import { Button, Card, Code, Group, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import type { HistoryDetail } from '../../shared/contract';
import type { UserErrorData } from '../../shared/errors';
import { formatDateTime, formatDatesIn, formatDuration, formatTime } from '../../shared/format';
import { DETAILS_BLOCK_STYLE } from '../components/TechnicalDetails';
import { api, errorData } from '../api';
import { ErrorAlert } from '../components/ErrorAlert';
import { StatusBadge } from '../components/StatusBadge';


export function RunDetailsPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const [run, setRun] = useState<HistoryDetail | null>(null);
  const [error, setError] = useState<UserErrorData | null>(null);
  useEffect(() => {
    if (id) api.history.get({ id }).then(setRun, (err: unknown) => setError(errorData(err)));
  }, [id]);

  return (
    <Stack gap="lg" maw={1000}>
      <Title order={1}>{run?.title ?? 'Run details'}</Title>
      {error ? <ErrorAlert error={error} /> : null}
      {run ? (
        <>
          <Group gap="md">
            <StatusBadge size="lg" status={run.status} />
            <Text>
              {formatDateTime(run.startedAt)}
              {run.durationMs !== null ? `, took ${formatDuration(run.durationMs / 1000)}` : ''}
              {run.profile ? ` · ${run.profile}` : ''}
            </Text>
          </Group>
          {run.error ? <ErrorAlert error={run.error} {...(run.status === 'problems' ? { color: 'orange', title: 'What it found' } : {})} /> : null}
          <Card withBorder p="md" component="section" aria-label="Log">
            <Title order={2} size="h4" mb="xs">
              Log
            </Title>
            {run.log.length ? (
              <Code block style={DETAILS_BLOCK_STYLE} tabIndex={0} aria-label="Log lines">
                {run.log.map((l) => `${formatTime(l.at)}  ${l.level.padEnd(5)}  ${formatDatesIn(l.message)}`).join('\n')}
              </Code>
            ) : (
              <Text c="dimmed">This run wrote nothing to its log.</Text>
            )}
            {run.logDropped ? <Text size="sm" c="dimmed">{run.logDropped} lines in the middle were left out.</Text> : null}
          </Card>
        </>
      ) : null}
      <Group>
        <Button variant="default" onClick={() => void navigate('/history')}>
          All history
        </Button>
      </Group>
    </Stack>
  );
}
