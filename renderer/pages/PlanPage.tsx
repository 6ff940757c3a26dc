// The maintenance plan of a connection: what is due today, this week and this month; "Run now" for the
// checks the app does itself, "Mark as done" with a note for the steps a person does; the plan settings.
import { Alert, Button, Card, Group, Select, Stack, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import type { PlanView } from '../../shared/contract';
import type { UserErrorData } from '../../shared/errors';
import { isFinal } from '../../shared/jobs';
import { api, errorData } from '../api';
import { ErrorAlert } from '../components/ErrorAlert';
import { JobProgressView } from '../components/JobProgressView';
import { useJobs } from '../stores/jobs';
import { useProfiles } from '../stores/profiles';
import { PlanGroup } from './plan/PlanGroup';
import { PlanSettingsSection } from './plan/PlanSettingsSection';
import { SignOffHistory } from './plan/SignOffHistory';

const GROUPS = [
  { frequency: 'daily', title: 'Every day' },
  { frequency: 'weekly', title: 'Every week' },
  { frequency: 'monthly', title: 'Every month' },
] as const;

export function PlanPage() {
  const { profiles, selected, select, load } = useProfiles();
  useEffect(() => void load(), [load]);
  return (
    <Stack gap="xl" maw={1100}>
      <Stack gap="xs">
        <Title order={1}>Maintenance plan</Title>
        <Text size="lg">What to look after, and when: the checks the app does for you, and the steps only a person can do.</Text>
      </Stack>
      {profiles && profiles.length > 1 ? (
        <Select label="Connection" data={profiles.map((p) => p.profile.name)} value={selected} onChange={(v) => v && select(v)} allowDeselect={false} maw={360} />
      ) : null}
      {profiles && profiles.length === 0 ? <Text>Connect PCI File Manager first (Settings → Connections); then its maintenance plan appears here.</Text> : null}
      {selected ? <Plan key={selected} profile={selected} /> : null}
    </Stack>
  );
}

function Plan({ profile }: { profile: string }) {
  const [view, setView] = useState<PlanView | null>(null);
  const [error, setError] = useState<UserErrorData | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useJobs((s) => (jobId ? (s.jobs[jobId] ?? null) : null));
  const version = useJobs((s) => s.historyVersion);
  const running = job !== null && !isFinal(job.status);

  const reload = useCallback(() => {
    api.plan.get({ profile }).then(setView, (err: unknown) => setError(errorData(err)));
  }, [profile]);
  useEffect(reload, [reload, version]);

  const run = (checks?: string[]) => {
    setError(null);
    api.plan.run({ profile, checks }).then(
      (j) => {
        useJobs.getState().upsert(j);
        setJobId(j.id);
      },
      (err: unknown) => setError(errorData(err)),
    );
  };
  const signOff = async (item: string, note: string) => {
    setError(null);
    try {
      setView(await api.plan.signOff({ profile, item, note }));
      return true;
    } catch (err) {
      setError(errorData(err));
      return false;
    }
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <Text role="status" aria-live="polite" fw={600} data-testid="plan-due">
          {view ? dueSentence(view) : 'Loading the plan…'}
        </Text>
        <Button onClick={() => run()} disabled={running || !view}>
          Run all checks now
        </Button>
      </Group>
      {error ? <ErrorAlert error={error} /> : null}
      {job && running ? (
        <Card withBorder p="md">
          <JobProgressView job={job} />
        </Card>
      ) : null}
      {job && job.status === 'failed' && job.error ? <ErrorAlert error={job.error} title="The checks could not run" /> : null}
      {job && job.status === 'problems' ? (
        <Alert color="yellow" title="Some checks found something to do" role="alert">
          {job.error?.message} Each one says what to do below.
        </Alert>
      ) : null}
      {view
        ? GROUPS.map((g) => <PlanGroup key={g.frequency} title={g.title} items={view.items.filter((i) => i.frequency === g.frequency)} busy={running} onRun={(id) => run([id])} onSignOff={signOff} />)
        : null}
      {view ? <SignOffHistory profile={profile} version={view.items.map((i) => i.lastSignOff?.at ?? '').join()} /> : null}
      {view ? <PlanSettingsSection profile={profile} view={view} onSaved={reload} /> : null}
    </Stack>
  );
}

function dueSentence(view: PlanView): string {
  if (view.dueCount === 0) return 'Nothing is due: every item of the plan was done on time.';
  const overdue = view.overdueCount ? `, ${view.overdueCount} of them overdue` : '';
  return `${view.dueCount} item${view.dueCount === 1 ? ' is' : 's are'} due${overdue}.`;
}
