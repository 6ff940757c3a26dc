// Settings → Connections: the saved PCI File Manager installations, with Test, Change and Remove.
import { Alert, Button, Card, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { IconPlugConnected } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import type { CheckReport, ProfileView } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';
import type { Source } from '../../../shared/profile';
import { api, errorData } from '../../api';
import { CheckResults } from '../../components/CheckResults';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useProfiles } from '../../stores/profiles';

function ConnectionCard({ view, onRemove }: { view: ProfileView; onRemove: () => void }) {
  const navigate = useNavigate();
  const p = view.profile;
  const [testing, setTesting] = useState(false);
  const [report, setReport] = useState<CheckReport | null>(null);
  const [error, setError] = useState<UserErrorData | null>(null);
  const dest = p.destination.kind === 'folder' ? p.destination.path : `bucket ${p.destination.bucket}${p.destination.prefix ? ` / ${p.destination.prefix}` : ''}`;
  const test = () => {
    setTesting(true);
    setError(null);
    api.profiles
      .test({ name: p.name })
      .then(setReport, (err: unknown) => setError(errorData(err)))
      .finally(() => setTesting(false));
  };
  return (
    <Card withBorder radius="md" p="lg" aria-label={`Connection ${p.name}`}>
      <Title order={3} size="h4">
        {p.name}
      </Title>
      <Stack gap={2} mt="xs">
        {p.sources.map((s, i) => (
          <SourceLine key={i} source={s} view={view} />
        ))}
        <Text>
          Backup location: <b>{dest}</b>
        </Text>
      </Stack>
      <Group mt="md">
        <Button variant="light" onClick={test} loading={testing}>
          Test connection
        </Button>
        <Button variant="default" onClick={() => void navigate(`/connect?edit=${encodeURIComponent(p.name)}`)}>
          Change
        </Button>
        <Button variant="subtle" color="red" onClick={onRemove}>
          Remove
        </Button>
      </Group>
      {error ? <ErrorAlert error={error} /> : null}
      {report ? (
        <Stack mt="md">
          <CheckResults checks={report.checks} label={`Test results of ${p.name}`} />
        </Stack>
      ) : null}
    </Card>
  );
}

export function ConnectionsSection() {
  const navigate = useNavigate();
  const { profiles, secretStore, load } = useProfiles();
  const [removing, setRemoving] = useState<string | null>(null);
  const [error, setError] = useState<UserErrorData | null>(null);
  useEffect(() => {
    void load();
  }, [load]);

  const remove = async () => {
    if (!removing) return;
    try {
      await api.profiles.remove({ name: removing });
      await load();
    } catch (err) {
      setError(errorData(err));
    }
    setRemoving(null);
  };

  return (
    <Stack gap="md" maw={900} aria-label="Connections" component="section">
      <Title order={2}>Connections</Title>
      {secretStore?.warning ? (
        <Alert color="orange" title="Passwords are not well protected">
          {secretStore.warning}
        </Alert>
      ) : null}
      {error ? <ErrorAlert error={error} /> : null}
      {profiles && profiles.length === 0 ? <Text>No PCI File Manager is connected yet.</Text> : null}
      {profiles?.map((v) => <ConnectionCard key={v.profile.name} view={v} onRemove={() => setRemoving(v.profile.name)} />)}
      <Button w="fit-content" leftSection={<IconPlugConnected size={18} />} onClick={() => void navigate('/connect')}>
        {profiles && profiles.length > 0 ? 'Add another connection' : 'Connect PCI File Manager'}
      </Button>
      <Modal opened={removing !== null} onClose={() => setRemoving(null)} title={`Remove the connection “${removing ?? ''}”?`}>
        <Text>PCI Maintenance forgets its settings and saved passwords. Your backups and your data are not touched.</Text>
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={() => setRemoving(null)}>
            Keep it
          </Button>
          <Button color="red" onClick={() => void remove()}>
            Remove
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}

/** One thing the connection keeps safe, in plain words. */
function SourceLine({ source: s, view }: { source: Source; view: ProfileView }) {
  switch (s.kind) {
    case 'mongodb':
      return (
        <Text>
          MongoDB: <b>{view.secrets.mongoUri.masked ?? 'connection string not saved'}</b> (database {s.database})
        </Text>
      );
    case 's3':
      return (
        <Text>
          R2: bucket <b>{s.bucket}</b>, key {s.accessKeyId}, secret key {view.secrets.r2SecretAccessKey.set ? 'saved' : 'not saved'}
        </Text>
      );
    case 'folder':
      return (
        <Text>
          Folder: <b>{s.path}</b>
        </Text>
      );
    case 'sqlite':
      return (
        <Text>
          SQLite database: <b>{s.path}</b>
        </Text>
      );
    case 'app-logs':
      return (
        <Text>
          Log files: <b>{s.paths.join(', ')}</b> (old ones kept in {s.archiveFolder})
        </Text>
      );
  }
}
