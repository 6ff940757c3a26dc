// The result after the update: every check with what it found, "Roll back" where something was lost,
// notes for the record, the printable report, and (with Done) closing the update.
import { Alert, Button, Group, Stack, Text, Textarea } from '@mantine/core';
import { IconFileDownload, IconRefresh, IconRestore } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import { isFinal, type Job } from '../../../shared/jobs';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { JobProgressView } from '../../components/JobProgressView';
import { ChecksList } from './ChecksList';
import { downloadText } from '../../components/download';
import { useChecklist, useChecklistJob } from './state';
import { useJobDone } from './useJobDone';

export async function exportReport(id: string): Promise<void> {
  const { fileName, html } = await api.checklist.report({ id });
  downloadText(fileName, html, 'text/html');
}

export function AfterResult({ job }: { job: Job | null }) {
  const navigate = useNavigate();
  const { record, notes, set, refresh, startJob } = useChecklist();
  const again = useChecklistJob('after');
  useJobDone(job, () => void refresh());
  useJobDone(again, () => void refresh());
  if (!record) return null;
  const running = again && !isFinal(again.status) ? again : null;
  const after = record.after;
  const rollback = () => void navigate(`/restore?snapshot=${record.snapshotId ?? ''}&profile=${encodeURIComponent(record.profile)}`);
  const failedToRun = job?.status === 'failed' && job.error && !after;

  return (
    <Stack gap="md">
      {failedToRun ? <ErrorAlert error={job.error!} title="The checks could not run" /> : null}
      {running ? <JobProgressView job={running} onCancel={() => void api.jobs.cancel({ id: running.id })} /> : null}
      {after && !running ? (
        record.outcome === 'rolled-back' ? (
          <Alert color="green" title="Rolled back: everything is as before the update" role="status">
            PCI File Manager’s data was put back to the restore point taken before the update, and the checks found nothing missing. The report keeps what went wrong and the rollback.
          </Alert>
        ) : record.outcome === 'ok' ? (
          <Alert color="green" title="Everything is as before the update" role="status">
            PCI File Manager answers, and the database and the files are all still there.
          </Alert>
        ) : (
          <Alert color="red" title="The update went wrong" role="alert">
            <Stack gap="xs" align="flex-start">
              <Text>Something was lost or does not work, as listed below. Rolling back puts PCI File Manager’s data back to how it was before the update.</Text>
              <Text>If you already rolled back (or fixed it), run the checks again.</Text>
              <Button color="red" leftSection={<IconRestore size={18} />} onClick={rollback}>
                Roll back to before the update
              </Button>
            </Stack>
          </Alert>
        )
      ) : null}
      {after && !running ? <ChecksList checks={after.checks} label="Checks after the update" onAction={(a) => a === 'rollback' && rollback()} /> : null}
      <Group>
        <Button variant="default" leftSection={<IconRefresh size={18} />} disabled={Boolean(running)} onClick={() => void startJob('after', () => api.checklist.runAfter({ id: record.id, toVersion: useChecklist.getState().toVersion.trim() || undefined }))}>
          Run the checks again
        </Button>
        <Button variant="default" leftSection={<IconFileDownload size={18} />} onClick={() => exportReport(record.id).catch((err: unknown) => set({ error: errorData(err) }))}>
          Export the report
        </Button>
      </Group>
      <Textarea
        label="Notes for the record"
        description="What changed, anything unusual, what you did. Kept with this update and in its report."
        autosize
        minRows={3}
        value={notes}
        onChange={(e) => set({ notes: e.currentTarget.value })}
        onBlur={() => void api.checklist.update({ id: record.id, notes }).then((r) => useChecklist.getState().setRecord(r), (err: unknown) => set({ error: errorData(err) }))}
      />
      <Text c="dimmed">Press Done to close this update. It stays in the list of past updates, with its report.</Text>
    </Stack>
  );
}
