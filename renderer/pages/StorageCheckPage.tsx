// Storage check: are the files PCI File Manager lists really in R2, and is R2 holding files nobody
// uses? Starts the check (read-only), shows its progress, and the latest result.
import { Button, Group, Select, Stack, Text, Title } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { ConsistencyResult, type HistoryItem } from '../../shared/contract';
import type { UserErrorData } from '../../shared/errors';
import { isFinal } from '../../shared/jobs';
import { api, errorData } from '../api';
import { ErrorAlert } from '../components/ErrorAlert';
import { JobProgressView } from '../components/JobProgressView';
import { useFocusOnChange } from '../components/focus';
import { useJobs } from '../stores/jobs';
import { useProfiles } from '../stores/profiles';
import { Findings } from './storage-check/Findings';

export function StorageCheckPage() {
  const navigate = useNavigate();
  const profiles = useProfiles((s) => s.profiles);
  const selected = useProfiles((s) => s.selected);
  const select = useProfiles((s) => s.select);
  const loadProfiles = useProfiles((s) => s.load);
  const jobs = useJobs((s) => s.jobs);
  const version = useJobs((s) => s.historyVersion);
  const [last, setLast] = useState<HistoryItem | null | undefined>(undefined);
  const [error, setError] = useState<UserErrorData | null>(null);
  const [starting, setStarting] = useState(false);

  useEffect(() => void loadProfiles(), [loadProfiles]);
  useEffect(() => {
    if (!selected) return;
    let live = true;
    api.history.list({ kind: 'consistency', profile: selected, limit: 1 }).then(
      (page) => live && setLast(page.items[0] ?? null),
      (err: unknown) => live && setError(errorData(err)),
    );
    return () => {
      live = false;
    };
  }, [selected, version]);

  const running = useMemo(() => Object.values(jobs).find((j) => j.kind === 'consistency' && j.profile === selected && !isFinal(j.status)) ?? null, [jobs, selected]);
  const profile = profiles?.find((p) => p.profile.name === selected)?.profile;
  // When a check ends, the focus moves to its result.
  const resultRef = useRef<HTMLDivElement>(null);
  useFocusOnChange(resultRef, running?.id ?? null, running === null);

  async function start() {
    setError(null);
    setStarting(true);
    try {
      useJobs.getState().upsert(await api.check.start({ profile: selected! }));
    } catch (err) {
      setError(errorData(err));
    } finally {
      setStarting(false);
    }
  }

  const intro = 'Compares the file records in MongoDB with the files in R2: files that are missing, files no record points to, sizes that differ, and leftovers of deleted files. It only reads: nothing is changed or deleted.';
  if (profiles === null) return <Text>Loading…</Text>;
  if (profiles.length === 0 || !profile) {
    return (
      <Stack maw={720} data-testid="check-empty">
        <Title order={1}>Storage check</Title>
        <Text size="lg">{intro}</Text>
        <Text size="lg">No PCI File Manager installation is connected yet.</Text>
        <Group>
          <Button onClick={() => void navigate('/connect')}>Connect PCI File Manager</Button>
        </Group>
      </Stack>
    );
  }
  const result = last ? ConsistencyResult.safeParse(last.summary) : null;
  return (
    <Stack gap="lg" maw={1000}>
      <Title order={1}>Storage check</Title>
      <Text size="lg">{intro}</Text>
      <Group align="flex-end">
        {profiles.length > 1 ? <Select label="PCI File Manager installation" data={profiles.map((p) => p.profile.name)} value={selected} onChange={(v) => v && select(v)} allowDeselect={false} /> : null}
        {profile.fileRecords ? (
          <Button size="md" onClick={() => void start()} loading={starting} disabled={running !== null}>
            {last ? 'Check again' : 'Start the check'}
          </Button>
        ) : null}
      </Group>
      {!profile.fileRecords ? (
        <Stack gap="xs" align="flex-start">
          <Text>The connection “{profile.name}” does not say yet which collection holds the file records.</Text>
          <Button variant="default" onClick={() => void navigate(`/connect?edit=${encodeURIComponent(profile.name)}`)}>
            Set up the file records
          </Button>
        </Stack>
      ) : null}
      {error ? <ErrorAlert error={error} /> : null}
      {running ? <JobProgressView job={running} onCancel={() => void api.jobs.cancel({ id: running.id })} /> : null}
      <div ref={resultRef} data-testid="check-result-region">
        {!running && last && last.status === 'failed' && last.error ? <ErrorAlert error={last.error} title="The last check could not finish" /> : null}
        {!running && last && last.status === 'canceled' ? <Text c="dimmed">The last check was cancelled before it finished.</Text> : null}
        {!running && result?.success ? <Findings result={result.data} jobId={last!.id} at={last!.finishedAt} profile={profile.name} /> : null}
      </div>
      {!running && last === null && profile.fileRecords ? <Text c="dimmed">No check has run yet.</Text> : null}
    </Stack>
  );
}
