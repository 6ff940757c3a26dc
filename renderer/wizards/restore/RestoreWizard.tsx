// "Roll back to an earlier state": restore point → what to restore → preview → safety backup →
// typed confirmation → restoring (progress, Cancel) → result (proof, what to do next). Reachable by
// URL with a restore point chosen already (`/restore?snapshot=ID&profile=NAME`), so the pre-update
// checklist and the dashboard can link straight to the one to use.
import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconPlugConnected } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { RESTORE_CONFIRM_WORD, confirmWordTyped } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';
import { isFinal } from '../../../shared/jobs';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ConfirmLeave } from '../../components/ConfirmLeave';
import { StepIndicator } from '../../components/StepIndicator';
import { useFocusOnChange } from '../../components/focus';
import { useJobs } from '../../stores/jobs';
import { useProfiles } from '../../stores/profiles';
import { ConfirmStep } from './ConfirmStep';
import { PointStep } from './PointStep';
import { PreviewStep, planKeyOf } from './PreviewStep';
import { ResultStep } from './ResultStep';
import { RunStep } from './RunStep';
import { SafetyStep, useSafetySnapshot } from './SafetyStep';
import { ScopeStep } from './ScopeStep';
import { typedPassphrase, useRestore } from './state';

const STEPS = ['Restore point', 'What', 'Preview', 'Safety backup', 'Confirm', 'Restoring', 'Result'];
const TITLES = ['Choose a restore point', 'Choose what to restore', 'Preview: what will change', 'Safety backup', 'Confirm the rollback', 'Rolling back', 'Result'];

function NoConnection() {
  const navigate = useNavigate();
  return (
    <Paper withBorder radius="md" p="xl" maw={720}>
      <Stack gap="sm" align="flex-start">
        <Title order={2} size="h3">
          No connection yet
        </Title>
        <Text size="lg">To roll back, PCI Maintenance needs to know your PCI File Manager and where its backups are.</Text>
        <Button leftSection={<IconPlugConnected size={18} />} onClick={() => void navigate('/connect')}>
          Connect PCI File Manager
        </Button>
      </Stack>
    </Paper>
  );
}

/** Why the current step cannot move on yet, or null. */
function blocker(step: number, saved: boolean): string | null {
  const s = useRestore.getState();
  if (step === 0 && !s.snapshotId) return 'Choose a restore point first.';
  if (step === 1 && s.scopeKind === 'custom' && s.collections.length === 0 && !s.bucket && !s.folders) return 'Choose at least one collection, the files in R2 or the settings folders.';
  if (step === 2 && !(s.plan && s.planKey === planKeyOf())) return 'Wait for the preview to finish.';
  if (step === 3 && !saved && !(s.safetySkipped && s.skipUnderstood)) return s.safetySkipped ? 'Tick the box to confirm that you understand, or make the safety backup.' : 'Make the safety backup first (or choose to skip it).';
  if (step === 4 && !confirmWordTyped(s.confirmText)) return `Type ${RESTORE_CONFIRM_WORD} in the box to confirm.`;
  return null;
}

export function RestoreWizard() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const s = useRestore();
  const { profiles, selected, load } = useProfiles();
  const saved = useSafetySnapshot();
  const safetyJob = useJobs((j) => (s.safetyJobId ? j.jobs[s.safetyJobId] : undefined));
  const job = useJobs((j) => (s.restoreJobId ? j.jobs[s.restoreJobId] : undefined));
  /** The step on which Next was refused; its reason shows while it still applies. */
  const [tried, setTried] = useState<number | null>(null);
  const [startError, setStartError] = useState<UserErrorData | null>(null);
  const [busy, setBusy] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useFocusOnChange(heading, s.step);
  const linkedSnapshot = params.get('snapshot');
  const linkedProfile = params.get('profile');
  // From the storage check: put back only these files (one key a line), nothing else.
  const linkedFiles = params.get('files');

  useEffect(() => {
    void load();
  }, [load]);
  // A new link (e.g. "Undo this rollback") starts the wizard over with that restore point.
  useEffect(() => {
    useRestore.getState().reset();
    useRestore.getState().set({ snapshotId: linkedSnapshot, ...(linkedFiles ? { scopeKind: 'custom', collections: [], bucket: true, prefixes: linkedFiles, folders: false } : {}) });
  }, [linkedSnapshot, linkedProfile, linkedFiles]);
  useEffect(() => {
    if (!s.profile && profiles && profiles.length > 0) {
      const wanted = profiles.find((p) => p.profile.name === linkedProfile)?.profile.name;
      s.set({ profile: wanted ?? selected ?? profiles[0].profile.name });
    }
  }, [profiles, selected, linkedProfile, s]);
  // Typed passphrases leave memory when the wizard closes.
  useEffect(() => () => useRestore.getState().reset(), []);
  // When the restore ends, the result shows by itself.
  useEffect(() => {
    if (s.step === 5 && job && isFinal(job.status)) useRestore.getState().set({ step: 6 });
  }, [s.step, job]);

  if (profiles && profiles.length === 0) {
    return (
      <Stack gap="lg">
        <Title order={1}>Roll back to an earlier state</Title>
        <NoConnection />
      </Stack>
    );
  }

  const problem = tried === s.step ? blocker(s.step, Boolean(saved)) : null;
  const next = async () => {
    setTried(null);
    setStartError(null);
    if (blocker(s.step, Boolean(saved))) return setTried(s.step);
    if (s.step < 4) return s.set({ step: s.step + 1 });
    setBusy(true);
    try {
      const st = useRestore.getState();
      const started = await api.restore.start({
        planId: st.plan!.id,
        confirm: RESTORE_CONFIRM_WORD,
        removeExtra: st.removeExtra,
        safety: saved ? { mode: 'taken', snapshotId: saved.snapshotId } : { mode: 'skip' },
        ...typedPassphrase(st),
      });
      useJobs.getState().upsert(started);
      s.set({ restoreJobId: started.id, step: 5 });
    } catch (err) {
      setStartError(errorData(err));
    } finally {
      setBusy(false);
    }
  };
  const back = () => {
    setTried(null);
    setStartError(null);
    s.set({ step: Math.max(0, s.step - 1), confirmText: '' });
  };
  const again = () => s.set({ step: 2, plan: null, planKey: null, confirmText: '', restoreJobId: null, removeExtra: false });
  const safetyRunning = Boolean(safetyJob && !isFinal(safetyJob.status));
  const forms = s.step <= 4;

  return (
    <Stack gap="lg" maw={960}>
      <Title order={1}>Roll back to an earlier state</Title>
      <StepIndicator steps={STEPS} active={s.step} finished={s.step === STEPS.length - 1} label="Rollback steps" />
      <Paper withBorder radius="md" p="xl">
        <Stack gap="md">
          <Title order={2} size="h3" ref={heading}>
            {TITLES[s.step]}
          </Title>
          {s.step === 0 ? <PointStep /> : null}
          {s.step === 1 ? <ScopeStep /> : null}
          {s.step === 2 ? <PreviewStep /> : null}
          {s.step === 3 ? <SafetyStep /> : null}
          {s.step === 4 ? <ConfirmStep /> : null}
          {s.step === 5 ? job && s.plan ? <RunStep job={job} plan={s.plan} removeExtra={s.removeExtra} /> : <Text>Starting…</Text> : null}
          {s.step === 6 && job ? <ResultStep job={job} onAgain={again} /> : null}
          {problem ? (
            <Alert color="orange" role="alert" title="Please check this step">
              {problem}
            </Alert>
          ) : null}
          {startError ? <ErrorAlert error={startError} /> : null}
        </Stack>
      </Paper>
      <Group justify="space-between">
        {forms ? (
          <Button variant="subtle" color="gray" size="md" onClick={() => (s.step > 0 ? setLeaving(true) : void navigate('/'))} disabled={safetyRunning}>
            Cancel
          </Button>
        ) : (
          <span />
        )}
        <Group>
          {forms && s.step > 0 ? (
            <Button variant="default" size="md" onClick={back} disabled={safetyRunning}>
              Back
            </Button>
          ) : null}
          {forms ? (
            <Button size="md" color={s.step === 4 ? 'red' : undefined} onClick={() => void next()} loading={busy} disabled={safetyRunning || (s.step === 4 && !confirmWordTyped(s.confirmText))}>
              {s.step === 4 ? 'Roll back now' : 'Next'}
            </Button>
          ) : null}
          {s.step === 6 ? (
            <Button size="md" onClick={() => void navigate('/')}>
              Done
            </Button>
          ) : null}
        </Group>
      </Group>
      <ConfirmLeave opened={leaving} onStay={() => setLeaving(false)} onLeave={() => void navigate('/')} lost="The restore point and the choices you made are not kept." />
    </Stack>
  );
}
