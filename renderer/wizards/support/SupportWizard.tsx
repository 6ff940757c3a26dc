// "Support bundle": what to include → collecting (a job with progress) → preview and save.
import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../../api';
import { Wizard, type WizardStep } from '../../components/Wizard';
import { OptionsStep } from './OptionsStep';
import { PreviewStep } from './PreviewStep';
import { useSupport } from './state';

const STEPS: WizardStep[] = [
  { kind: 'form', id: 'options', label: 'What to include', render: () => <OptionsStep />, nextLabel: 'Collect' },
  { kind: 'run', id: 'collect', label: 'Collecting', start: () => api.bundle.prepare({ includeNames: useSupport.getState().includeNames }) },
  { kind: 'result', id: 'preview', label: 'Preview and save', render: (job) => <PreviewStep job={job} /> },
];

export function SupportWizard() {
  const navigate = useNavigate();
  useEffect(() => () => useSupport.getState().reset(), []);
  return <Wizard title="Support bundle" steps={STEPS} onCancel={() => void navigate('/')} onDone={() => void navigate('/')} />;
}
