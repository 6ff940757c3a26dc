// The pre-update checklist: the open update of the chosen connection (before it: checks and
// confirmations; after it: the comparison with before), or a way to start one and the past updates.
import { Badge, Button, Divider, Group, Modal, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { IconChecklist, IconFileDownload, IconPlugConnected } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import type { UpdateRecord } from '../../../shared/contract';
import { formatDateTime } from '../../../shared/format';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useProfiles } from '../../stores/profiles';
import { AfterWizard } from './AfterWizard';
import { exportReport } from './AfterResult';
import { BeforeWizard } from './BeforeWizard';
import { useChecklist } from './state';

const STATUS: Record<UpdateRecord['status'], { word: string; color: string }> = {
  preparing: { word: 'Being prepared', color: 'blue' },
  updating: { word: 'Waiting for the checks after', color: 'orange' },
  finished: { word: 'Finished', color: 'green' },
  abandoned: { word: 'Given up', color: 'gray' },
};

/** A past update's state: a rollback or problems found say more than "Finished". */
function stateOf(r: UpdateRecord): { word: string; color: string } {
  if (r.events.some((e) => e.kind === 'rollback' && e.ok)) return { word: 'Rolled back', color: 'orange' };
  if (r.outcome === 'problems') return { word: 'Problems found', color: 'red' };
  return STATUS[r.status];
}

function PastUpdates({ profile }: { profile: string }) {
  const [records, setRecords] = useState<UpdateRecord[] | null>(null);
  const set = useChecklist((s) => s.set);
  useEffect(() => {
    api.checklist.list({ profile, limit: 20 }).then(setRecords, () => setRecords([]));
  }, [profile]);
  if (!records || records.length === 0) return null;
  return (
    <Stack gap="xs">
      <Title order={2} size="h3">
        Past updates
      </Title>
      <Table aria-label="Past updates" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Started</Table.Th>
            <Table.Th>Version</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Report</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {records.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td>{formatDateTime(r.createdAt)}</Table.Td>
              <Table.Td>
                {r.fromVersion ?? '?'} → {r.toVersion ?? '?'}
              </Table.Td>
              <Table.Td>
                <Badge color={stateOf(r).color} variant="light">
                  {stateOf(r).word}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Button size="xs" variant="subtle" leftSection={<IconFileDownload size={16} />} aria-label={`Export the report of the update started ${formatDateTime(r.createdAt)}`} onClick={() => exportReport(r.id).catch((err: unknown) => set({ error: errorData(err) }))}>
                  Export
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function Start({ profile }: { profile: string }) {
  const { setRecord, set } = useChecklist();
  const [busy, setBusy] = useState(false);
  async function start() {
    setBusy(true);
    try {
      setRecord(await api.checklist.start({ profile }));
    } catch (err) {
      set({ error: errorData(err) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <Paper withBorder radius="md" p="xl" maw={900}>
      <Stack gap="sm" align="flex-start">
        <Text size="lg">Going to install a new version of PCI File Manager? The checklist prepares it with you:</Text>
        <Text>
          it takes a fresh, verified backup, checks MongoDB, R2, the backup drive and this computer, records how things are now, and asks you to confirm what only you can do. After the update it compares everything with before, and offers a rollback if something was lost.
        </Text>
        <Button size="md" leftSection={<IconChecklist size={18} />} onClick={() => void start()} loading={busy}>
          Prepare an update
        </Button>
      </Stack>
    </Paper>
  );
}

export function ChecklistPage() {
  const navigate = useNavigate();
  const { profiles, selected, load: loadProfiles, select } = useProfiles();
  const { record, error, stage, load } = useChecklist();
  const [confirmCancel, setConfirmCancel] = useState(false);

  useEffect(() => {
    void loadProfiles();
  }, [loadProfiles]);
  useEffect(() => {
    if (selected) void load(selected);
  }, [selected, load]);

  async function abandon() {
    setConfirmCancel(false);
    const s = useChecklist.getState();
    try {
      await api.checklist.abandon({ id: s.record!.id });
      s.setRecord(null);
    } catch (err) {
      s.set({ error: errorData(err) });
    }
  }

  const picker =
    profiles && profiles.length > 1 ? <Select label="Connection" data={profiles.map((p) => p.profile.name)} value={selected} onChange={(v) => v && select(v)} allowDeselect={false} w={260} /> : null;

  if (profiles && profiles.length === 0) {
    return (
      <Stack gap="lg">
        <Title order={1}>Pre-update checklist</Title>
        <Text size="lg">Connect your PCI File Manager first: the checklist needs its database, its files and a backup location.</Text>
        <Button w="fit-content" leftSection={<IconPlugConnected size={18} />} onClick={() => void navigate('/connect')}>
          Connect PCI File Manager
        </Button>
      </Stack>
    );
  }
  if (!selected || record === undefined) return <Text>Loading…</Text>;
  return (
    <Stack gap="lg">
      {record ? (
        <>
          {error ? <ErrorAlert error={error} /> : null}
          {stage === 'before' ? <BeforeWizard key={record.id} profile={selected} /> : <AfterWizard key={record.id} />}
          {picker ?? (
            <Text c="dimmed" maw={900}>
              Update of the connection “{selected}”, started {formatDateTime(record.createdAt)}.
            </Text>
          )}
          {/* Apart from the wizard's own buttons: giving up closes the update, "Leave for now" only pauses it. */}
          <Stack gap="xs" maw={900} mt="xl" data-testid="give-up">
            <Divider label="Not updating after all?" labelPosition="left" />
            <Group justify="space-between" align="center">
              <Text size="sm">Giving up closes this checklist; it stays in the list of past updates. Your backups are kept.</Text>
              <Button variant="outline" color="red" size="sm" onClick={() => setConfirmCancel(true)}>
                Give up this update
              </Button>
            </Group>
          </Stack>
        </>
      ) : (
        <>
          <Group justify="space-between" align="flex-end">
            <Title order={1}>Pre-update checklist</Title>
            {picker}
          </Group>
          {error ? <ErrorAlert error={error} /> : null}
          <Start profile={selected} />
          <PastUpdates profile={selected} />
        </>
      )}
      <Modal opened={confirmCancel} onClose={() => setConfirmCancel(false)} title="Give up this update?">
        <Stack>
          <Text>The checklist of this update is kept in the list of past updates, marked as given up. Backups are not touched.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmCancel(false)}>
              Keep it
            </Button>
            <Button color="red" onClick={() => void abandon()}>
              Give up this update
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
