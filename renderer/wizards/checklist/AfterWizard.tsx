// After the update: the version installed → the checks against the baseline → the result, with
// "Roll back" on every loss (the rollback wizard opens with the pre-update restore point selected),
// notes, the printable report, and closing the update record.
import { Stack, Text, TextInput } from '@mantine/core';
import { useNavigate } from 'react-router';
import { formatDateTime } from '../../../shared/format';
import { api, errorData } from '../../api';
import { Wizard, type WizardStep } from '../../components/Wizard';
import { AfterResult } from './AfterResult';
import { useChecklist } from './state';

function IntroStep() {
  const { record, toVersion, set } = useChecklist();
  if (!record) return null;
  return (
    <Stack gap="md">
      <Text size="lg">
        You declared the update ready on {formatDateTime(record.readyAt)}. PCI Maintenance now checks that PCI File Manager answers and that the database and the files are all still there, compared with before the update.
      </Text>
      <Text>
        Version before the update: <b>{record.fromVersion ?? 'not recorded'}</b>. Restore point taken before: <b>{record.snapshotId ? record.snapshotId.slice(0, 8) : 'none'}</b>.
      </Text>
      <TextInput label="Version you installed" placeholder="e.g. 2.4.0" description="Leave empty to read it from PCI File Manager’s version file." value={toVersion} onChange={(e) => set({ toVersion: e.currentTarget.value })} maw={360} />
    </Stack>
  );
}

export function AfterWizard() {
  const navigate = useNavigate();
  const steps: WizardStep[] = [
    { kind: 'form', id: 'intro', label: 'The update', render: () => <IntroStep />, nextLabel: 'Check the result' },
    {
      kind: 'run',
      id: 'checking',
      label: 'Checks',
      start: () => {
        const s = useChecklist.getState();
        return api.checklist.runAfter({ id: s.record!.id, toVersion: s.toVersion.trim() || undefined });
      },
    },
    { kind: 'result', id: 'result', label: 'Result', render: (job) => <AfterResult job={job} /> },
  ];
  return (
    <Wizard
      title="After updating PCI File Manager"
      steps={steps}
      cancelLabel="Leave for now"
      confirmCancel={false}
      onCancel={() => void navigate('/')}
      onDone={() => {
        const s = useChecklist.getState();
        api.checklist.finish({ id: s.record!.id, notes: s.notes }).then(
          () => s.setRecord(null),
          (err: unknown) => s.set({ error: errorData(err) }),
        );
      }}
    />
  );
}
