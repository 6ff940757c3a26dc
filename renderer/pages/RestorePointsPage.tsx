// Restore points: every backup in the connection's backup location, newest first — when, why, size,
// new data, verified or not — with a filter by why it was made and a detail panel from which to
// verify it or roll back to it. Damaged ones are listed with their message; none yet: say so plainly.
import { Alert, Button, Drawer, Group, Loader, Paper, PasswordInput, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { IconArchive } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { TRIGGERS, type BackupTrigger, type RestorePointList, type VerifyStatus } from '../../shared/contract';
import type { UserErrorData } from '../../shared/errors';
import { formatDateTime } from '../../shared/format';
import { api, errorData } from '../api';
import { ErrorAlert } from '../components/ErrorAlert';
import { useJobs } from '../stores/jobs';
import { useProfiles } from '../stores/profiles';
import { PointDetail } from './restore-points/PointDetail';
import { PointsTable } from './restore-points/PointsTable';
import { TRIGGER_WORDS } from './restore-points/words';

interface Loaded {
  profile: string;
  list: RestorePointList;
  status: VerifyStatus | null;
}

function Empty({ location }: { location: string }) {
  const navigate = useNavigate();
  return (
    <Paper withBorder p="xl" radius="md" maw={720} data-testid="points-empty">
      <Stack gap="sm" align="flex-start">
        <IconArchive size={36} aria-hidden />
        <Title order={2} size="h3">
          No restore points yet
        </Title>
        <Text size="lg">Every backup makes a restore point: a complete copy you can go back to. There is none in {location} yet.</Text>
        <Button size="md" onClick={() => void navigate('/backup')}>
          Make the first backup
        </Button>
      </Stack>
    </Paper>
  );
}

function PassphraseForm({ wrong, onOpen }: { wrong: boolean; onOpen: (passphrase: string) => void }) {
  const [typed, setTyped] = useState('');
  return (
    <Stack gap="sm" maw={460}>
      <Alert color="blue" title="Passphrase needed">
        {wrong ? 'That passphrase is not right. ' : ''}These backups are protected by a passphrase. Enter it to see them; it is not saved.
      </Alert>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (typed) onOpen(typed);
        }}
      >
        <Stack gap="sm">
          <PasswordInput label="Backup passphrase" value={typed} onChange={(e) => setTyped(e.currentTarget.value)} autoComplete="current-password" />
          <Button type="submit" w="fit-content" disabled={!typed}>
            Show the restore points
          </Button>
        </Stack>
      </form>
    </Stack>
  );
}

export function RestorePointsPage() {
  const navigate = useNavigate();
  const { profiles, selected, load } = useProfiles();
  const version = useJobs((s) => s.historyVersion);
  const [chosen, setChosen] = useState<string | null>(null);
  const [passphrase, setPassphrase] = useState<string | undefined>(undefined);
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<{ profile: string; error: UserErrorData } | null>(null);
  const [filter, setFilter] = useState<'all' | BackupTrigger>('all');
  const [openId, setOpenId] = useState<string | null>(null);
  const profile = chosen ?? selected;

  useEffect(() => {
    void load();
  }, [load]);
  // Reloaded whenever a job finishes (a new backup, a verification, a prune).
  useEffect(() => {
    if (!profile) return;
    let live = true;
    Promise.all([api.snapshots.list({ profile, passphrase }), api.verify.status({ profile }).catch(() => null)]).then(
      ([list, status]) => live && (setData({ profile, list, status }), setError(null)),
      (err: unknown) => live && setError({ profile, error: errorData(err) }),
    );
    return () => {
      live = false;
    };
  }, [profile, passphrase, version]);

  const current = data?.profile === profile ? data : null;
  const failure = error?.profile === profile ? error.error : null;
  const needsPassphrase = failure && (failure.code === 'PASSPHRASE_REQUIRED' || failure.code === 'WRONG_PASSPHRASE');
  const points = current?.list.restorePoints ?? [];
  const present = TRIGGERS.filter((t) => points.some((p) => p.trigger === t));
  const shown = filter === 'all' ? points : points.filter((p) => p.trigger === filter);
  const open = points.find((p) => p.id === openId) ?? null;

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <Title order={1}>Restore points</Title>
        <Group align="flex-end">
          {profiles && profiles.length > 1 ? (
            <Select label="Connection" data={profiles.map((p) => p.profile.name)} value={profile} onChange={(v) => v && (setChosen(v), setPassphrase(undefined), setFilter('all'))} allowDeselect={false} w={260} />
          ) : null}
          {current && points.length > 0 ? (
            <Button variant="default" onClick={() => void navigate('/backup')}>
              Make a backup
            </Button>
          ) : null}
        </Group>
      </Group>
      <Text size="lg">Every backup is a restore point: a complete copy of the database, the files and the settings folders at one moment. You can check it, or go back to it.</Text>
      {profiles && profiles.length === 0 ? (
        <Paper withBorder p="xl" radius="md" maw={720}>
          <Stack gap="sm" align="flex-start">
            <Text size="lg">No PCI File Manager installation is connected yet, so there are no backups to show.</Text>
            <Button onClick={() => void navigate('/connect')}>Connect PCI File Manager</Button>
          </Stack>
        </Paper>
      ) : null}
      {needsPassphrase ? <PassphraseForm wrong={failure.code === 'WRONG_PASSPHRASE' && passphrase !== undefined} onOpen={setPassphrase} /> : failure ? <ErrorAlert error={failure} /> : null}
      {profile && !current && !failure ? (
        <Group gap="sm" role="status">
          <Loader size="sm" />
          <Text>Reading the restore points…</Text>
        </Group>
      ) : null}
      {current ? (
        <Text c="dimmed" data-testid="points-location">
          In {current.list.location} · {current.list.encrypted ? 'protected by a passphrase' : 'no passphrase'} · {points.length} {points.length === 1 ? 'restore point' : 'restore points'}
          {points[0] ? `, the newest from ${formatDateTime(points[0].createdAt)}` : ''}
        </Text>
      ) : null}
      {current && points.length === 0 && current.list.unreadable.length === 0 ? <Empty location={current.list.location} /> : null}
      {current && present.length > 1 ? (
        <Group gap="sm">
          <Text fw={600} id="points-filter">
            Show
          </Text>
          <SegmentedControl
            aria-labelledby="points-filter"
            value={filter}
            onChange={(v) => setFilter(v as typeof filter)}
            data={[{ value: 'all', label: `All (${points.length})` }, ...present.map((t) => ({ value: t, label: `${TRIGGER_WORDS[t].label} (${points.filter((p) => p.trigger === t).length})` }))]}
          />
        </Group>
      ) : null}
      {current && (points.length > 0 || current.list.unreadable.length > 0) ? <PointsTable points={shown} unreadable={current.list.unreadable} status={current.status} onOpen={setOpenId} /> : null}
      <Drawer opened={open !== null} onClose={() => setOpenId(null)} position="right" size="xl" title={open ? `Restore point of ${formatDateTime(open.createdAt)}` : ''} styles={{ title: { fontWeight: 700, fontSize: 'var(--mantine-font-size-xl)' } }}>
        {open && profile ? <PointDetail point={open} profile={profile} passphrase={passphrase} verification={current?.status?.snapshots[open.id] ?? null} /> : null}
      </Drawer>
    </Stack>
  );
}
