// "Connect PCI File Manager": what to keep safe (the preset) → for PCI File Manager MongoDB → R2 →
// file records, for a SQLite app or a custom connection its files → backup location → summary. Each
// step tests what was entered before moving on and shows, in plain words, what to fix.
import { Alert, Stack, Text } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import type { CheckReport } from '../../../shared/contract';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Wizard, type WizardStep } from '../../components/Wizard';
import type { UserErrorData } from '../../../shared/errors';
import { DestinationStep, destKey, runDestTest } from './DestinationStep';
import { FilesStep, filesProblem } from './FilesStep';
import { MappingStep } from './MappingStep';
import { MongoStep, mongoKey, runMongoTest } from './MongoStep';
import { PresetStep } from './PresetStep';
import { R2Step, r2Key, runR2Test } from './R2Step';
import { SummaryStep, saveConnection } from './SummaryStep';
import { useConnect } from './state';
import type { Preset } from '../../../shared/profile';

/** Use the last test when the values did not change since; otherwise test now. */
async function passes(last: { key: string; report: CheckReport } | null, key: string, run: () => Promise<CheckReport>, what: string): Promise<string | null> {
  try {
    const report = last && last.key === key ? last.report : await run();
    return report.ok ? null : `${what} did not pass the test. The problems and what to do are shown above.`;
  } catch (err) {
    return errorData(err).message;
  }
}

const PRESET_STEP: WizardStep = { kind: 'form', id: 'preset', label: 'What to keep safe', render: () => <PresetStep /> };

const FILES_STEP: WizardStep = { kind: 'form', id: 'files', label: 'Files', render: () => <FilesStep />, validate: () => filesProblem(useConnect.getState().form) };

const PCI_STEPS: WizardStep[] = [
  {
    kind: 'form',
    id: 'mongo',
    label: 'MongoDB',
    render: () => <MongoStep />,
    validate: async () => {
      const { form } = useConnect.getState();
      if (!form.mongoUri.trim() && !form.editing) return 'Paste the MongoDB connection string first.';
      return passes(useConnect.getState().mongoTest, mongoKey(), runMongoTest, 'The MongoDB connection');
    },
  },
  {
    kind: 'form',
    id: 'r2',
    label: 'R2',
    render: () => <R2Step />,
    validate: async () => {
      const { form } = useConnect.getState();
      if (!form.bucket.trim() || !form.accessKeyId.trim() || (!form.secretAccessKey.trim() && !form.editing)) return 'Enter the bucket name, the Access Key ID and the Secret Access Key.';
      if (form.r2Kind === 'r2' ? !form.accountId.trim() : !form.endpoint.trim()) return form.r2Kind === 'r2' ? 'Enter the Cloudflare Account ID.' : 'Enter the endpoint address.';
      return passes(useConnect.getState().r2Test, r2Key(), runR2Test, 'The R2 connection');
    },
  },
  {
    kind: 'form',
    id: 'mapping',
    label: 'File records',
    render: () => <MappingStep />,
    validate: () => {
      const r = useConnect.getState().form.records;
      if (Boolean(r.collection.trim()) !== Boolean(r.keyField.trim())) return 'Enter both the collection and the field, or leave both empty.';
      return null;
    },
  },
];

const END_STEPS: WizardStep[] = [
  {
    kind: 'form',
    id: 'destination',
    label: 'Backup location',
    render: () => <DestinationStep />,
    validate: async () => {
      const { form } = useConnect.getState();
      if (form.destKind === 'folder' ? !form.destPath.trim() : !form.destBucket.trim()) return form.destKind === 'folder' ? 'Enter the backup folder.' : 'Enter the name of the backup bucket.';
      return passes(useConnect.getState().destTest, destKey(), runDestTest, 'The backup location');
    },
  },
  { kind: 'form', id: 'summary', label: 'Summary', render: () => <SummaryStep />, validate: saveConnection, nextLabel: 'Save connection' },
  {
    kind: 'result',
    id: 'done',
    label: 'Done',
    render: () => (
      <Alert color="green" title="Connected" role="status">
        <Text>The connection “{useConnect.getState().form.name}” is saved. The dashboard now shows its health.</Text>
      </Alert>
    ),
  },
];

/** The steps for a preset; a new connection starts with the choice of preset. */
function stepsFor(preset: Preset, editing: boolean): WizardStep[] {
  return [...(editing ? [] : [PRESET_STEP]), ...(preset === 'pci' ? PCI_STEPS : [FILES_STEP]), ...END_STEPS];
}

export function ConnectWizard() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const edit = params.get('edit');
  const [loadError, setLoadError] = useState<UserErrorData | null>(null);
  const [loaded, setLoaded] = useState<string | null>(null);
  const ready = !edit || loaded === edit;
  const preset = useConnect((s) => s.form.preset);
  const steps = useMemo(() => stepsFor(preset, Boolean(edit)), [preset, edit]);

  useEffect(() => {
    useConnect.getState().reset();
    if (!edit) return;
    api.profiles.get({ name: edit }).then(
      (view) => {
        useConnect.getState().startEdit(view);
        setLoaded(edit);
      },
      (err: unknown) => setLoadError(errorData(err)),
    );
  }, [edit]);

  // Typed secrets leave memory when the wizard closes.
  useEffect(() => () => useConnect.getState().reset(), []);

  if (loadError) return <ErrorAlert error={loadError} />;
  if (!ready) return <Text>Loading…</Text>;
  return (
    <Stack>
      <Wizard
        key={edit ?? 'new'}
        title={edit ? `Change the connection “${edit}”` : preset === 'pci' ? 'Connect PCI File Manager' : 'Connect an application'}
        steps={steps}
       
        onCancel={() => void navigate(edit ? '/settings' : '/')}
        onDone={() => void navigate('/')}
      />
    </Stack>
  );
}
