// Step 4: the safety backup — what exists now is saved as a restore point first, so the rollback can
// be undone. Skipping it is possible, but only after a plain warning and a tick.
import { Alert, Anchor, Button, Checkbox, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { formatDateTime } from '../../../shared/format';
import type { BackupSummary } from '../../../shared/contract';
import { summaryOf } from '../../../shared/api/job-summaries';
import type { UserErrorData } from '../../../shared/errors';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { JobProgressView } from '../../components/JobProgressView';
import { useJobs } from '../../stores/jobs';
import { typedPassphrase, useRestore } from './state';

/** The safety backup's restore point, once it finished. */
export function useSafetySnapshot(): BackupSummary | null {
  const id = useRestore((s) => s.safetyJobId);
  const job = useJobs((s) => (id ? s.jobs[id] : undefined));
  return job?.status === 'succeeded' ? summaryOf(job, 'backup') : null;
}

export function SafetyStep() {
  const s = useRestore();
  const job = useJobs((j) => (s.safetyJobId ? j.jobs[s.safetyJobId] : undefined));
  const saved = useSafetySnapshot();
  const [startError, setStartError] = useState<UserErrorData | null>(null);
  // A full or read-only backup drive cannot take the safety backup: said before the button is pressed.
  const [obstacle, setObstacle] = useState<UserErrorData | null>(null);
  useEffect(() => {
    if (!s.profile) return;
    let live = true;
    api.restore
      .safetyObstacle({ profile: s.profile, ...typedPassphrase(s) })
      .then((r) => live && setObstacle(r.obstacle))
      .catch(() => undefined); // the safety backup itself says what is wrong
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- asked once per connection
  }, [s.profile]);

  const start = async () => {
    setStartError(null);
    try {
      const started = await api.restore.safetyBackup({ profile: s.profile!, ...typedPassphrase(s) });
      useJobs.getState().upsert(started);
      s.set({ safetyJobId: started.id, safetySkipped: false });
    } catch (err) {
      setStartError(errorData(err));
    }
  };

  return (
    <Stack gap="md">
      <Text size="lg">Before anything changes, PCI Maintenance saves what exists now as a new restore point. If the rollback does not help, you can go back to it.</Text>
      {saved ? (
        <Alert color="green" title="What exists now is saved" data-testid="safety-saved">
          It is kept as the restore point of {formatDateTime(saved.createdAt)} (marked “Safety copy before a rollback”).
        </Alert>
      ) : job && job.status !== 'failed' && job.status !== 'canceled' ? (
        <JobProgressView job={job} onCancel={() => void api.jobs.cancel({ id: job.id })} />
      ) : s.safetySkipped ? (
        <Alert color="red" title="Without a safety backup, this rollback cannot be undone">
          <Stack gap="xs">
            <Text>What exists now will be replaced and there will be no restore point of it. Only skip this if the backup location is full or the current state is worthless.</Text>
            <Checkbox checked={s.skipUnderstood} onChange={(e) => s.set({ skipUnderstood: e.currentTarget.checked })} label="I understand that I cannot undo the rollback" />
            <Anchor component="button" type="button" onClick={() => s.set({ safetySkipped: false, skipUnderstood: false })}>
              Make the safety backup after all
            </Anchor>
          </Stack>
        </Alert>
      ) : (
        <Stack gap="sm" align="flex-start">
          {job?.status === 'failed' && job.error ? <ErrorAlert error={job.error} title="The safety backup failed" /> : null}
          {job?.status === 'canceled' ? <Alert color="gray">The safety backup was cancelled. The rollback does not start without it.</Alert> : null}
          {startError ? <ErrorAlert error={startError} /> : null}
          {obstacle && !job ? <ErrorAlert error={obstacle} title="The safety backup cannot be saved here" /> : null}
          <Button size="md" onClick={() => void start()} disabled={Boolean(obstacle) && !job}>
            {job ? 'Try the safety backup again' : 'Save what exists now'}
          </Button>
          <Anchor component="button" type="button" c="dimmed" size="sm" onClick={() => s.set({ safetySkipped: true })}>
            Skip the safety backup (not recommended)
          </Anchor>
        </Stack>
      )}
    </Stack>
  );
}
