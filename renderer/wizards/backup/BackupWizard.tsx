// "Make a backup": what → where → protection → review → backing up (progress, Cancel) → result.
// Without a connection it says so, with the way to make one.
import { Button, Paper, Stack, Text, Title } from '@mantine/core';
import { IconArchive } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { isFinal, type Job } from '../../../shared/jobs';
import { api } from '../../api';
import { Wizard, type WizardStep } from '../../components/Wizard';
import { useJobs } from '../../stores/jobs';
import { useProfiles } from '../../stores/profiles';
import { DoneStep } from './DoneStep';
import { ProtectStep, protectProblem } from './ProtectStep';
import { ReviewStep } from './ReviewStep';
import { RunStep } from './RunStep';
import { typedPassphrase, useBackup } from './state';
import { WhatStep } from './WhatStep';
import { WhereStep, whereProblem } from './WhereStep';

/** Remember the typed passphrase first when asked to, then start the backup. */
async function startBackup(): Promise<Job> {
  const s = useBackup.getState();
  const passphrase = typedPassphrase(s);
  const view = useProfiles.getState().profiles?.find((p) => p.profile.name === s.profile);
  if (passphrase && s.remember && view) {
    const { createdAt: _c, updatedAt: _u, ...profile } = view.profile;
    await api.profiles.save({ profile, previousName: profile.name, secrets: { backupPassphrase: passphrase } });
    void useProfiles.getState().load();
  }
  return api.backup.start({ profile: s.profile!, passphrase });
}

function steps(again: () => void): WizardStep[] {
  return [
    { kind: 'form', id: 'what', label: 'What to back up', render: () => <WhatStep /> },
    { kind: 'form', id: 'where', label: 'Where it goes', render: () => <WhereStep />, validate: whereProblem },
    { kind: 'form', id: 'protect', label: 'Protection', render: () => <ProtectStep />, validate: protectProblem },
    { kind: 'form', id: 'review', label: 'Review', render: () => <ReviewStep />, nextLabel: 'Start the backup' },
    { kind: 'run', id: 'run', label: 'Backing up', start: startBackup, render: (job) => <RunStep job={job} profile={job.profile} /> },
    { kind: 'result', id: 'result', label: 'Result', render: (job) => <DoneStep job={job} profile={job?.profile ?? useBackup.getState().profile ?? ''} onAgain={again} /> },
  ];
}

function NoConnection() {
  const navigate = useNavigate();
  return (
    <Paper withBorder p="xl" radius="md" maw={720} data-testid="backup-no-connection">
      <Stack gap="sm" align="flex-start">
        <IconArchive size={36} aria-hidden />
        <Title order={1}>Make a backup</Title>
        <Text size="lg">No PCI File Manager installation is connected yet. Connect it first: then its database and files can be backed up here.</Text>
        <Button onClick={() => void navigate('/connect')} size="md">
          Connect PCI File Manager
        </Button>
      </Stack>
    </Paper>
  );
}

export function BackupWizard() {
  const navigate = useNavigate();
  const profiles = useProfiles((s) => s.profiles);
  const selected = useProfiles((s) => s.selected);
  const loadProfiles = useProfiles((s) => s.load);
  const profile = useBackup((s) => s.profile);
  const countJobId = useBackup((s) => s.countJobId);
  const countStatus = useJobs((s) => (countJobId ? s.jobs[countJobId]?.status : undefined));
  const [run, setRun] = useState(0);

  useEffect(() => {
    void loadProfiles();
    return () => useBackup.getState().reset(); // a typed passphrase leaves memory with the wizard
  }, [loadProfiles]);
  useEffect(() => {
    if (!profiles || profiles.length === 0 || useBackup.getState().profile) return;
    const name = selected ?? profiles[0].profile.name;
    void useBackup.getState().choose(name, profiles.find((p) => p.profile.name === name));
  }, [profiles, selected]);

  useEffect(() => {
    if (countStatus && isFinal(countStatus)) void useBackup.getState().refreshHealth();
  }, [countStatus]);

  if (profiles === null) return <Text>Loading…</Text>;
  if (profiles.length === 0) return <NoConnection />;
  if (!profile) return <Text>Loading…</Text>;
  const again = () => {
    const s = useBackup.getState();
    setRun((k) => k + 1);
    void s.choose(s.profile!, useProfiles.getState().profiles?.find((p) => p.profile.name === s.profile));
  };
  return <Wizard key={run} title="Make a backup" steps={steps(again)} onCancel={() => void navigate('/')} onDone={() => void navigate('/')} />;
}
