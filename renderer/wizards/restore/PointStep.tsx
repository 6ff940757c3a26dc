// Step 1: choose the restore point, by date. Restore points made before an update are highlighted
// (that is usually the one people need after a bad upgrade); each shows why it was made and whether
// it was verified. A backup location with a passphrase asks for it here.
import { Alert, Badge, Button, Group, Loader, PasswordInput, Radio, Select, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { IconStarFilled } from '@tabler/icons-react';
import { formatBytes, formatDateTime } from '../../../shared/format';
import type { RestoreChoice } from '../../../shared/contract';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useProfiles } from '../../stores/profiles';
import { typedPassphrase, useRestore } from './state';
import { TRIGGER, ago, verificationBadge } from './words';

function PointCard({ point, profile }: { point: RestoreChoice; profile: string | null }) {
  const before = point.trigger === 'pre-update';
  const verified = verificationBadge(point);
  const chosen = useRestore((s) => s.snapshotId === point.id);
  return (
    <Radio.Card
      value={point.id}
      radius="md"
      p="md"
      withBorder
      data-testid={`point-${point.id}`}
      bg={before ? 'var(--mantine-color-blue-light)' : undefined}
      // The chosen one needs to stand out even next to the highlighted "before the update" one.
      style={{ outline: chosen ? '2px solid var(--mantine-color-blue-filled)' : undefined, outlineOffset: -1 }}
      aria-label={`Restore point of ${formatDateTime(point.createdAt)}`}
    >
      <Group wrap="nowrap" align="flex-start">
        <Radio.Indicator mt={4} />
        <Stack gap={4} style={{ flex: 1 }}>
          {before ? (
            <Group gap={6}>
              <IconStarFilled size={16} color="var(--mantine-color-blue-filled)" aria-hidden />
              <Text fw={700} c="blue">
                Before the update on {formatDateTime(point.createdAt)}
              </Text>
            </Group>
          ) : null}
          <Group justify="space-between" wrap="nowrap">
            <Text size="lg" fw={600}>
              {formatDateTime(point.createdAt)}
              <Text span c="dimmed" fw={400}>
                {' '}
                · {ago(point.createdAt)}
              </Text>
            </Text>
            <Text c="dimmed">{formatBytes(point.size)}</Text>
          </Group>
          <Group gap="xs">
            <Badge color={TRIGGER[point.trigger].color} variant="light">
              {TRIGGER[point.trigger].label}
            </Badge>
            <Badge color={verified.color} variant="light">
              {verified.label}
            </Badge>
            {point.consistency === 'best-effort' ? <Text size="sm" c="dimmed">Database copied while in use</Text> : null}
            {profile && point.profile !== profile ? (
              <Text size="sm" c="orange">
                Made for the connection “{point.profile}”
              </Text>
            ) : null}
          </Group>
        </Stack>
      </Group>
    </Radio.Card>
  );
}

export function PointStep() {
  const s = useRestore();
  const profiles = useProfiles((p) => p.profiles);
  const [typed, setTyped] = useState('');

  useEffect(() => {
    if (!s.profile) return;
    let live = true;
    useRestore.getState().set({ choices: null, choicesError: null });
    api.restore.points({ profile: s.profile, ...typedPassphrase(useRestore.getState()) }).then(
      (choices) => live && useRestore.getState().set({ choices, choicesError: null }),
      (err: unknown) => live && useRestore.getState().set({ choices: null, choicesError: errorData(err) }),
    );
    return () => {
      live = false;
    };
  }, [s.profile, s.passphrase]);
  const loading = Boolean(s.profile) && !s.choices && !s.choicesError;

  const needsPassphrase = s.choicesError && (s.choicesError.code === 'PASSPHRASE_REQUIRED' || s.choicesError.code === 'WRONG_PASSPHRASE');
  const points = s.choices?.restorePoints ?? [];
  const linked = s.snapshotId && s.choices && !points.some((p) => p.id === s.snapshotId);
  return (
    <Stack gap="md">
      {profiles && profiles.length > 1 ? (
        <Select label="Connection" data={profiles.map((p) => p.profile.name)} value={s.profile} onChange={(v) => v && s.set({ profile: v, snapshotId: null, choices: null, plan: null })} allowDeselect={false} w={320} />
      ) : null}
      <Text>Choose the moment to go back to. Everything made after it is replaced by what it holds, after a preview and a safety backup.</Text>
      {needsPassphrase ? (
        <Stack gap="xs" maw={420}>
          <Alert color="blue" title="Passphrase needed">
            {s.choicesError?.code === 'WRONG_PASSPHRASE' && s.passphrase ? 'That passphrase is not right. ' : ''}These backups are protected by a passphrase. It cannot be recovered if it is lost.
          </Alert>
          <PasswordInput label="Backup passphrase" value={typed} onChange={(e) => setTyped(e.currentTarget.value)} autoComplete="off" />
          <Button w="fit-content" onClick={() => s.set({ passphrase: typed })} disabled={!typed}>
            Open the backups
          </Button>
        </Stack>
      ) : s.choicesError ? (
        <ErrorAlert error={s.choicesError} />
      ) : null}
      {loading ? (
        <Group gap="sm" role="status">
          <Loader size="sm" />
          <Text>Reading the restore points…</Text>
        </Group>
      ) : null}
      {linked ? (
        <Alert color="orange" title="Restore point not found">
          The restore point in the link is not in this backup location any more. Choose one below.
        </Alert>
      ) : null}
      {s.choices && points.length === 0 && !loading ? (
        <Alert color="orange" title="No backups yet">
          There is no restore point to go back to in {s.choices.location}. Make a backup first; then you can roll back to it.
        </Alert>
      ) : null}
      {points.length > 0 ? (
        <Radio.Group value={s.snapshotId} onChange={(id) => s.set({ snapshotId: id, contents: null, plan: null, planKey: null })} label="Restore points, newest first" aria-label="Restore points">
          <Stack gap="sm" mt="xs">
            {points.map((p) => (
              <PointCard key={p.id} point={p} profile={s.profile} />
            ))}
          </Stack>
        </Radio.Group>
      ) : null}
      {s.choices?.unreadable.length ? (
        <Alert color="red" title="Some restore points cannot be read">
          {s.choices.unreadable.length} restore point(s) are damaged and cannot be used. Run “Verify” to see which.
        </Alert>
      ) : null}
    </Stack>
  );
}
