// Before the update: versions → automated checks → confirmations → "Ready to update". The record is
// saved at every step, so closing the app and coming back resumes here.
import { useNavigate } from 'react-router';
import { readiness } from '../../../shared/contract';
import { isFinal } from '../../../shared/jobs';
import { api, errorData } from '../../api';
import { Wizard, type WizardStep } from '../../components/Wizard';
import { useJobs } from '../../stores/jobs';
import { useProfiles } from '../../stores/profiles';
import { ChecksStep } from './ChecksStep';
import { ConfirmStep } from './ConfirmStep';
import { ReadyStep } from './ReadyStep';
import { resumeStep } from './resume';
import { useChecklist } from './state';
import { VersionsStep } from './VersionsStep';

async function saveVersions(profile: string): Promise<string | null> {
  const s = useChecklist.getState();
  const versionFile = useProfiles.getState().profiles?.find((p) => p.profile.name === profile)?.profile.app.versionFile;
  if (!s.fromVersion.trim() && !versionFile) return 'Type the version of PCI File Manager you have now (or set its version file below).';
  try {
    s.setRecord(await api.checklist.update({ id: s.record!.id, fromVersion: s.fromVersion.trim() || null, toVersion: s.toVersion.trim() || null }));
    return null;
  } catch (err) {
    return errorData(err).message;
  }
}

function checksDone(): string | null {
  const { record, jobs } = useChecklist.getState();
  const running = [jobs.before, jobs.backup].some((id) => {
    const job = id ? useJobs.getState().jobs[id] : undefined;
    return job !== undefined && !isFinal(job.status);
  });
  if (running || !record?.before) return 'Wait for the checks to finish.';
  const open = readiness(record).blockers.filter((b) => !b.startsWith('Confirm:'));
  return open.length ? `${open[0]} ${open.length > 1 ? `(and ${open.length - 1} more)` : ''}`.trim() : null;
}

async function declareReady(): Promise<string | null> {
  const s = useChecklist.getState();
  try {
    s.setRecord(await api.checklist.ready({ id: s.record!.id }));
    return null;
  } catch (err) {
    return errorData(err).message;
  }
}

export function BeforeWizard({ profile }: { profile: string }) {
  const navigate = useNavigate();
  const steps: WizardStep[] = [
    { kind: 'form', id: 'versions', label: 'Versions', render: () => <VersionsStep profile={profile} />, validate: () => saveVersions(profile), nextLabel: 'Run the checks' },
    { kind: 'form', id: 'checks', label: 'Checks', render: () => <ChecksStep profile={profile} />, validate: checksDone },
    { kind: 'form', id: 'confirm', label: 'Confirmations', render: () => <ConfirmStep />, validate: declareReady, nextLabel: 'Ready to update' },
    { kind: 'result', id: 'ready', label: 'Update', render: () => <ReadyStep /> },
  ];
  // Every step is saved as it goes: leaving loses nothing, and coming back resumes where it was.
  return (
    <Wizard
      title="Before updating PCI File Manager"
      steps={steps}
      initialStep={resumeStep(useChecklist.getState().record!)}
      cancelLabel="Leave for now"
      confirmCancel={false}
      onCancel={() => void navigate('/')}
      onDone={() => useChecklist.getState().setStage('after')}
    />
  );
}
