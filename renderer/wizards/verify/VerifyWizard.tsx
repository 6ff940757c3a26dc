// "Verify a backup": choose a backup and how thoroughly → the check runs with progress and time left →
// the result in plain words. Without a connection or a backup it says so, with where to start.
import { Button, Group, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Wizard, type WizardStep } from '../../components/Wizard';
import { useProfiles } from '../../stores/profiles';
import { ChooseStep } from './ChooseStep';
import { ResultStep } from './ResultStep';
import { useVerify } from './state';

const STEPS: WizardStep[] = [
  {
    kind: 'form',
    id: 'choose',
    label: 'Choose',
    render: () => <ChooseStep />,
    validate: () => (useVerify.getState().targets?.snapshots.length ? null : 'There is no backup to check.'),
    nextLabel: 'Start the check',
  },
  {
    kind: 'run',
    id: 'run',
    label: 'Checking',
    start: () => {
      const s = useVerify.getState();
      const first = s.targets?.snapshots[0];
      // The exact restore point shown, never a "latest" that could change meanwhile.
      const snapshot = s.snapshot === 'latest' && first ? first.id : s.snapshot;
      return api.verify.start({ profile: s.profile!, snapshot, depth: s.depth, samplePercent: s.samplePercent, testRestore: s.testRestore, passphrase: s.passphrase || undefined });
    },
  },
  { kind: 'result', id: 'result', label: 'Result', render: (job) => <ResultStep job={job} /> },
];

/** Plain words and one way forward, for the states in which there is nothing to verify yet. */
function Empty({ title, text, action, to }: { title: string; text: string; action: string; to: string }) {
  const navigate = useNavigate();
  return (
    <Paper withBorder p="xl" radius="md" maw={720} data-testid="verify-empty">
      <Stack gap="sm" align="flex-start">
        <IconShieldCheck size={36} aria-hidden />
        <Title order={1}>{title}</Title>
        <Text size="lg">{text}</Text>
        <Button onClick={() => void navigate(to)} size="md">
          {action}
        </Button>
      </Stack>
    </Paper>
  );
}

function PassphrasePrompt() {
  const [value, setValue] = useState('');
  const state = useVerify();
  return (
    <Paper withBorder p="xl" radius="md" maw={720}>
      <Stack gap="sm">
        <Title order={1}>Verify a backup</Title>
        <Text size="lg">These backups are protected by a passphrase. Enter it to check them; it is not saved.</Text>
        <PasswordInput label="Backup passphrase" value={value} onChange={(e) => setValue(e.currentTarget.value)} autoComplete="off" maw={420} />
        {state.error && state.error.code === 'WRONG_PASSPHRASE' ? <ErrorAlert error={state.error} /> : null}
        <Group>
          <Button disabled={!value} loading={state.loading} onClick={() => (state.set({ passphrase: value }), void state.load(state.profile!))}>
            Open the backups
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

export function VerifyWizard() {
  const navigate = useNavigate();
  const profiles = useProfiles((s) => s.profiles);
  const selected = useProfiles((s) => s.selected);
  const loadProfiles = useProfiles((s) => s.load);
  const { profile, targets, error, loading, load } = useVerify();
  const [run, setRun] = useState(0);

  useEffect(() => {
    void loadProfiles();
    return () => useVerify.getState().reset(); // a typed passphrase leaves memory with the wizard
  }, [loadProfiles]);
  // Links from the backup's done page and the restore points list name a profile and a restore point.
  const [params] = useSearchParams();
  const wantedProfile = params.get('profile');
  const wantedSnapshot = params.get('snapshot');
  useEffect(() => {
    const target = wantedProfile ?? selected;
    if (!target || useVerify.getState().profile) return;
    void load(target).then(() => {
      if (wantedSnapshot && useVerify.getState().targets?.snapshots.some((t) => t.id === wantedSnapshot)) useVerify.getState().set({ snapshot: wantedSnapshot });
    });
  }, [selected, load, wantedProfile, wantedSnapshot]);

  if (profiles === null || (selected && !profile)) return <Text>Loading…</Text>;
  if (profiles.length === 0) {
    return <Empty title="Nothing to verify yet" text="No PCI File Manager installation is connected yet. Connect it first; then make a backup, and check it here." action="Connect PCI File Manager" to="/connect" />;
  }
  if (error && (error.code === 'PASSPHRASE_REQUIRED' || error.code === 'WRONG_PASSPHRASE')) return <PassphrasePrompt />;
  if (error && error.code === 'REPO_NOT_FOUND') {
    return <Empty title="No backups yet" text={`There are no backups of “${profile}” yet, so there is nothing to verify. Make a backup first.`} action="Make a backup" to="/backup" />;
  }
  if (error) {
    return (
      <Stack maw={720}>
        <Title order={1}>Verify a backup</Title>
        <ErrorAlert error={error} />
        <Group>
          <Button onClick={() => void load(profile!)}>Try again</Button>
        </Group>
      </Stack>
    );
  }
  if (!targets || loading) return <Text>Loading the backups…</Text>;
  if (targets.snapshots.length === 0) {
    return <Empty title="No backups yet" text={`There are no backups of “${profile}” in ${targets.location} yet, so there is nothing to verify. Make a backup first.`} action="Make a backup" to="/backup" />;
  }
  return (
    <Wizard
      key={run}
      title="Verify a backup"
      steps={STEPS}
      onCancel={() => void navigate('/')}
      onDone={() => {
        setRun((n) => n + 1); // back to the start, with the restore points' new verified state
        void load(profile!);
      }}
    />
  );
}
