// Step 3 before the update: what only a person can confirm, and — once PCI File Manager is stopped —
// an optional check that nothing writes to the database any more. "Ready to update" waits for all.
import { Alert, Button, Checkbox, List, Stack, Text } from '@mantine/core';
import { CONFIRMATIONS, readiness, type ConfirmationId } from '../../../shared/contract';
import { isFinal } from '../../../shared/jobs';
import { api, errorData } from '../../api';
import { JobProgressView } from '../../components/JobProgressView';
import { ChecksList } from './ChecksList';
import { useChecklist, useChecklistJob } from './state';
import { useJobDone } from './useJobDone';

export const QUIET_SECONDS = 30;

export function ConfirmStep() {
  const { record, setRecord, set, startJob, refresh } = useChecklist();
  const quietJob = useChecklistJob('quiet');
  useJobDone(quietJob, () => void refresh());
  if (!record) return null;
  const quiet = record.before?.checks.find((c) => c.id === 'quiet');
  const quietRunning = Boolean(quietJob && !isFinal(quietJob.status));
  const blockers = readiness(record).blockers.filter((b) => !b.startsWith('Confirm:'));

  async function tick(id: ConfirmationId, checked: boolean) {
    // Shown ticked at once; the saved record follows (and wins if saving failed).
    setRecord({ ...record!, confirmations: { ...record!.confirmations, [id]: checked } });
    try {
      setRecord(await api.checklist.update({ id: record!.id, confirmations: { [id]: checked } }));
    } catch (err) {
      set({ error: errorData(err) });
      void refresh();
    }
  }

  async function acknowledge(checkId: string) {
    try {
      setRecord(await api.checklist.update({ id: record!.id, acknowledge: [checkId] }));
    } catch (err) {
      set({ error: errorData(err) });
    }
  }

  return (
    <Stack gap="md">
      <Text size="lg">Tick each line when it is done. PCI Maintenance cannot check these for you.</Text>
      <Stack gap="sm" role="group" aria-label="Confirmations">
        {CONFIRMATIONS.map((c) => (
          <Checkbox key={c.id} size="md" label={c.label} checked={Boolean(record.confirmations[c.id])} onChange={(e) => void tick(c.id, e.currentTarget.checked)} />
        ))}
      </Stack>
      {record.confirmations.stopped ? (
        <Stack gap="xs">
          <Text fw={600}>Optional: make sure nothing writes to the database any more</Text>
          <Text c="dimmed">PCI Maintenance watches MongoDB for {QUIET_SECONDS} seconds. If anything still writes, PCI File Manager (or a script using its database) is still running.</Text>
          {quietRunning && quietJob ? <JobProgressView job={quietJob} onCancel={() => void api.jobs.cancel({ id: quietJob.id })} /> : null}
          {quiet && !quietRunning ? <ChecksList checks={[quiet]} label="Database writes" acknowledged={record.acknowledged} onAcknowledge={acknowledge} /> : null}
          {!quietRunning ? (
            <Button variant="default" w="fit-content" onClick={() => void startJob('quiet', () => api.checklist.quiet({ id: record.id, seconds: QUIET_SECONDS }))}>
              {quiet ? 'Watch the database again' : `Watch the database for ${QUIET_SECONDS} seconds`}
            </Button>
          ) : null}
        </Stack>
      ) : null}
      {blockers.length > 0 ? (
        <Alert color="orange" title="Still to do before the update" role="status">
          <List>
            {blockers.map((b) => (
              <List.Item key={b}>{b}</List.Item>
            ))}
          </List>
        </Alert>
      ) : null}
    </Stack>
  );
}
