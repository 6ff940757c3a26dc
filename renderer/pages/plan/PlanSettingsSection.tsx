// The plan settings of a connection: which items are included and how often, and the app's public
// https address for the certificate check. Saved in plan.json in the data folder.
import { Button, Card, Group, NativeSelect, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { PlanFrequency, PlanView } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';

const FREQUENCIES: { value: PlanFrequency; label: string }[] = [
  { value: 'daily', label: 'Every day' },
  { value: 'weekly', label: 'Every week' },
  { value: 'monthly', label: 'Every month' },
];

export function PlanSettingsSection({ profile, view, onSaved }: { profile: string; view: PlanView; onSaved(): void }) {
  const [error, setError] = useState<UserErrorData | null>(null);
  const [address, setAddress] = useState(view.settings.publicUrl ?? '');
  const [time, setTime] = useState(view.settings.autoRun.time);
  const [saved, setSaved] = useState('');
  const save = (change: Parameters<typeof api.plan.settings>[0], what: string) => {
    setError(null);
    api.plan.settings(change).then(
      () => {
        setSaved(what);
        onSaved();
      },
      (err: unknown) => setError(errorData(err)),
    );
  };
  return (
    <Card withBorder p="md" component="section" aria-label="Plan settings">
      <Stack gap="md">
        <Title order={2}>Plan settings</Title>
        {error ? <ErrorAlert error={error} /> : null}
        <Text role="status" size="sm" aria-live="polite">
          {saved}
        </Text>
        <Group align="flex-end">
          <Switch
            label="Run the checks that are due every day"
            description={view.nextAutoRunAt ? `Next: ${formatDateTime(view.nextAutoRunAt)}` : 'While the app or "pci-maint serve" is running.'}
            checked={view.settings.autoRun.enabled}
            onChange={(e) => save({ profile, autoRun: { enabled: e.currentTarget.checked, time } }, e.currentTarget.checked ? 'The due checks will run every day.' : 'The due checks no longer run by themselves.')}
          />
          <TextInput type="time" label="At" description="Local time" value={time} onChange={(e) => setTime(e.currentTarget.value)} w={130} />
          <Button variant="default" disabled={time === view.settings.autoRun.time} onClick={() => save({ profile, autoRun: { enabled: view.settings.autoRun.enabled, time } }, `The daily run is now at ${time}.`)}>
            Save time
          </Button>
        </Group>
        <Group align="flex-end">
          <TextInput
            label="Public address of the app"
            description="The https address people open; its certificate is checked every week. Leave empty to use the health address when it is https."
            placeholder="https://files.example.com"
            value={address}
            onChange={(e) => setAddress(e.currentTarget.value)}
            w={460}
          />
          <Button variant="default" onClick={() => save({ profile, publicUrl: address.trim() ? address.trim() : null }, 'The public address was saved.')}>
            Save address
          </Button>
        </Group>
        <Table aria-label="Items of the plan" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Item</Table.Th>
              <Table.Th w={140}>Included</Table.Th>
              <Table.Th w={200}>How often</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {view.items.map((i) => (
              <Table.Tr key={i.id}>
                <Table.Td>{i.title}</Table.Td>
                <Table.Td>
                  <Switch aria-label={`Include: ${i.title}`} checked={i.enabled} onChange={(e) => save({ profile, items: { [i.id]: { enabled: e.currentTarget.checked } } }, `“${i.title}” is now ${e.currentTarget.checked ? 'included' : 'switched off'}.`)} />
                </Table.Td>
                <Table.Td>
                  <NativeSelect
                    aria-label={`How often: ${i.title}`}
                    data={FREQUENCIES}
                    value={i.frequency}
                    onChange={(e) => {
                      const v = e.currentTarget.value as PlanFrequency;
                      save({ profile, items: { [i.id]: { frequency: v } } }, `“${i.title}” is now done ${FREQUENCIES.find((f) => f.value === v)!.label.toLowerCase()}.`);
                    }}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Card>
  );
}
