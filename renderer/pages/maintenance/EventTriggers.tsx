// Backups on an event: trigger tokens an application uses to ask for a backup when something happens
// ("a gallery was added"). A new token is shown once, with the line to put in the application's hook.
import { Alert, Button, Card, Code, CopyButton, Group, NumberInput, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import type { CreatedTriggerToken, TriggerList } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useApp } from '../../stores/app';

export function EventTriggers({ profile }: { profile: string }) {
  const [list, setList] = useState<TriggerList | null>(null);
  const [made, setMade] = useState<CreatedTriggerToken | null>(null);
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UserErrorData | null>(null);
  const [port, setPort] = useState<number | null>(null);
  const desktop = useApp((s) => s.info?.mode === 'desktop');
  const load = useCallback(() => {
    api.trigger.list({ profile }).then(setList, (err: unknown) => setError(errorData(err)));
  }, [profile]);
  useEffect(load, [load]);

  const create = () => {
    setBusy(true);
    setError(null);
    api.trigger
      .create({ profile, ...(label.trim() ? { label: label.trim() } : {}) })
      .then((t) => {
        setMade(t);
        setLabel('');
        load();
      }, (err: unknown) => setError(errorData(err)))
      .finally(() => setBusy(false));
  };
  const savePort = () => {
    if (port === null) return;
    setError(null);
    api.trigger.setPort({ port }).then(() => {
      setPort(null);
      load();
    }, (err: unknown) => setError(errorData(err)));
  };
  const revoke = (id: string) => {
    setError(null);
    api.trigger.revoke({ profile, id }).then(setList, (err: unknown) => setError(errorData(err)));
  };

  return (
    <Card withBorder p="lg" component="section" aria-label="Backups on an event">
      <Stack gap="md">
        <Stack gap={4}>
          <Title order={3} size="h4">
            Backups on an event
          </Title>
          <Text size="sm" c="dimmed">
            Your application can ask for a backup when something happens, for example when a gallery is added. Events within a minute make one backup, tagged “event”.
            {list?.listeningAt ? ` Requests are answered at ${list.listeningAt}.` : ` The desktop app answers on port ${list?.port ?? '…'} of this computer while a token exists; “pci-maint serve” answers on its own port.`}
          </Text>
        </Stack>
        {made ? (
          <Alert color="yellow" variant="light" icon={<IconKey />} styles={{ body: { minWidth: 0 } }} title={`New trigger token “${made.label}”: copy it now`} role="alert" aria-label="New trigger token">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">This is the only time it is shown; PCI Maintenance keeps only a fingerprint of it. Put this line in your application’s hook:</Text>
              <Code block data-testid="trigger-hook" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', maxWidth: '100%' }}>
                {made.hook}
              </Code>
              <Text size="sm">
                To tag the backup with what happened, add <Code>{`-d '{"tag":"gallery-added"}'`}</Code>. From a script on this computer, <Code>{`pci-maint backup --profile ${JSON.stringify(profile)} --event --tag gallery-added`}</Code> does the same.
              </Text>
              <Group gap="sm">
                <CopyButton value={made.hook}>{({ copied, copy }) => <Button onClick={copy}>{copied ? 'Copied' : 'Copy the hook line'}</Button>}</CopyButton>
                <CopyButton value={made.token}>{({ copied, copy }) => <Button variant="light" onClick={copy}>{copied ? 'Copied' : 'Copy the token only'}</Button>}</CopyButton>
                <Button variant="subtle" onClick={() => setMade(null)}>
                  I have copied it
                </Button>
              </Group>
            </Stack>
          </Alert>
        ) : null}
        {list && list.tokens.length > 0 ? (
          <Table aria-label="Trigger tokens" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Made</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Revoke</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.tokens.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td>{t.label}</Table.Td>
                  <Table.Td>{formatDateTime(t.createdAt)}</Table.Td>
                  <Table.Td>{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'Never'}</Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="light" color="red" aria-label={`Revoke “${t.label}”`} onClick={() => revoke(t.id)}>
                      Revoke
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text size="sm">No trigger tokens yet.</Text>
        )}
        <Group gap="sm" align="flex-end">
          <TextInput label="Name of the new token" description="What will use it, e.g. “Gallery app”" value={label} onChange={(e) => setLabel(e.currentTarget.value)} maxLength={80} w={260} />
          <Button onClick={create} loading={busy}>
            Make a trigger token
          </Button>
        </Group>
        {desktop && list ? (
          <Group gap="sm" align="flex-end">
            <NumberInput label="Port for triggers" description="On 127.0.0.1 of this computer (1024–65535)" min={1024} max={65535} value={port ?? list.port} onChange={(v) => setPort(Math.floor(Number(v)) || null)} w={260} />
            <Button variant="light" onClick={savePort} disabled={port === null || port === list.port}>
              Save port
            </Button>
          </Group>
        ) : null}
        {error ? <ErrorAlert error={error} /> : null}
      </Stack>
    </Card>
  );
}
