// "Connect PCI File Manager": MongoDB → R2 → file records → backup location → summary. Each step
// tests what was entered before moving on and shows, in plain words, what to fix.
import { Alert, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import type { CheckReport } from '../../../shared/contract';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Wizard, type WizardStep } from '../../components/Wizard';
import type { UserErrorData } from '../../../shared/errors';
import { DestinationStep, destKey, runDestTest } from './DestinationStep';
import { MappingStep } from './MappingStep';
import { MongoStep, mongoKey, runMongoTest } from './MongoStep';
import { R2Step, r2Key, runR2Test } from './R2Step';
import { SummaryStep, saveConnection } from './SummaryStep';
import { useConnect } from './state';

/** Use the last test when the values did not change since; otherwise test now. */
async function passes(last: { key: string; report: CheckReport } | null, key: string, run: () => Promise<CheckReport>, what: string): Promise<string | null> {
  try {
    const report = last && last.key === key ? last.report : await run();
    return report.ok ? null : `${what} did not pass the test. The problems and what to do are shown above.`;
  } catch (err) {
    return errorData(err).message;
  }
}

const STEPS: WizardStep[] = [
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
        <Text>The connection “{useConnect.getState().form.name}” is saved. The dashboard now shows the health of your PCI File Manager.</Text>
      </Alert>
    ),
  },
];

export function ConnectWizard() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const edit = params.get('edit');
  const [loadError, setLoadError] = useState<UserErrorData | null>(null);
  const [loaded, setLoaded] = useState<string | null>(null);
  const ready = !edit || loaded === edit;

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
        title={edit ? `Change the connection “${edit}”` : 'Connect PCI File Manager'}
        steps={STEPS}
       
        onCancel={() => void navigate(edit ? '/settings' : '/')}
        onDone={() => void navigate('/')}
      />
    </Stack>
  );
}
