// Step 2 before the update: the automated checks. They run by themselves the first time; each shows
// what it found and, where possible, a button that fixes it ("Back up and verify now" runs inline and
// the checks run again after it). Warnings are accepted one by one.
import { Alert, Button, Group, Modal, Paper, Stack, Text, Title } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { isFinal } from '../../../shared/jobs';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { JobProgressView } from '../../components/JobProgressView';
import { PassphraseAsk } from '../../components/PassphraseAsk';
import { AppSettingsForm } from './AppSettingsForm';
import { ChecksList } from './ChecksList';
import { useChecklist, useChecklistJob } from './state';
import { useJobDone } from './useJobDone';

export function runBeforeChecks(): void {
  const s = useChecklist.getState();
  if (!s.record) return;
  const id = s.record.id;
  void s.startJob('before', () => api.checklist.runBefore({ id, fromVersion: s.fromVersion.trim() || undefined, passphrase: s.passphrase }));
}

const PASSPHRASE_CODES = ['PASSPHRASE_REQUIRED', 'WRONG_PASSPHRASE'];

export function ChecksStep({ profile }: { profile: string }) {
  const { record, refresh, setRecord, startJob, set } = useChecklist();
  const checksJob = useChecklistJob('before');
  const backupJob = useChecklistJob('backup');
  const [settingsOpen, setSettingsOpen] = useState(false);
  const running = [checksJob, backupJob].some((j) => j && !isFinal(j.status));

  // The first visit runs the checks by themselves.
  useEffect(() => {
    if (record && !record.before && !checksJob) runBeforeChecks();
  }, [record, checksJob]);
  useJobDone(checksJob, () => void refresh());
  useJobDone(backupJob, (job) => {
    void refresh();
    if (job.status === 'succeeded') runBeforeChecks();
  });

  if (!record) return null;
  const checks = record.before?.checks ?? [];
  // The backups are protected and no passphrase opened them (none known, or a wrong one): ask here.
  const backupCheck = checks.find((c) => c.id === 'backup');
  const backupFailedOnPassphrase = backupJob?.status === 'failed' && PASSPHRASE_CODES.includes(backupJob.error?.code ?? '');
  const needsPassphrase = !running && ((backupCheck?.status === 'fail' && PASSPHRASE_CODES.includes(backupCheck.code ?? '')) || backupFailedOnPassphrase);
  const wrongPassphrase = backupCheck?.code === 'WRONG_PASSPHRASE' || backupJob?.error?.code === 'WRONG_PASSPHRASE';
  const failed = checks.filter((c) => c.status === 'fail').length;
  const open = checks.filter((c) => c.status === 'warn' && record.acknowledged[c.id] !== c.message).length;

  async function acknowledge(checkId: string) {
    try {
      setRecord(await api.checklist.update({ id: record!.id, acknowledge: [checkId] }));
    } catch (err) {
      set({ error: errorData(err) });
    }
  }

  return (
    <Stack gap="md">
      {checksJob && !isFinal(checksJob.status) ? <JobProgressView job={checksJob} onCancel={() => void api.jobs.cancel({ id: checksJob.id })} /> : null}
      {backupJob && !isFinal(backupJob.status) ? (
        <Stack gap="xs">
          <Text fw={600}>Backing up and verifying before the update</Text>
          <JobProgressView job={backupJob} onCancel={() => void api.jobs.cancel({ id: backupJob.id })} />
        </Stack>
      ) : null}
      {backupJob?.status === 'failed' && backupJob.error && !backupFailedOnPassphrase ? <ErrorAlert error={backupJob.error} title="The backup for the update did not work" /> : null}
      {needsPassphrase ? (
        <Paper withBorder p="md" radius="md" data-testid="checklist-passphrase">
          <Stack gap="xs">
            <Title order={3} size="h4">
              The backups are protected by a passphrase
            </Title>
            <PassphraseAsk
              profile={profile}
              wrong={Boolean(wrongPassphrase && useChecklist.getState().passphrase)}
              intro="Enter it here to check the backups and to make the backup for the update. It is kept only while this screen is open, unless you ask to remember it."
              submitLabel="Use this passphrase"
              onPassphrase={(passphrase) => {
                set({ passphrase });
                runBeforeChecks();
              }}
            />
          </Stack>
        </Paper>
      ) : null}
      {record.before && !running ? (
        <Alert color={failed ? 'red' : open ? 'orange' : 'green'} role="status" title={failed ? `${failed} ${failed === 1 ? 'check needs' : 'checks need'} your attention${open ? `, and ${open} ${open === 1 ? 'warning' : 'warnings'} to read` : ''}` : open ? 'Read the warnings' : 'Every check passed'}>
          {failed ? 'Fix what is marked in red (use the buttons where there are some), then run the checks again.' : open ? 'Read each warning and tick the box under it if you want to go on anyway.' : 'Continue with the confirmations.'}
        </Alert>
      ) : null}
      {checks.length > 0 ? (
        <ChecksList
          checks={checks}
          label="Checks before the update"
          acknowledged={record.acknowledged}
          onAcknowledge={acknowledge}
          busy={{ backup: Boolean(backupJob && !isFinal(backupJob.status)) }}
          onAction={(action) => {
            if (action === 'backup') void startJob('backup', () => api.checklist.prepareBackup({ id: record.id, passphrase: useChecklist.getState().passphrase }));
            if (action === 'settings') setSettingsOpen(true);
          }}
        />
      ) : null}
      <Group>
        <Button variant="default" leftSection={<IconRefresh size={18} />} onClick={runBeforeChecks} disabled={running}>
          Run the checks again
        </Button>
      </Group>
      <Modal opened={settingsOpen} onClose={() => setSettingsOpen(false)} title="PCI File Manager settings" size="lg">
        <AppSettingsForm profile={profile} />
      </Modal>
    </Stack>
  );
}
