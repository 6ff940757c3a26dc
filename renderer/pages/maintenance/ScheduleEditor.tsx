// The schedule editor: for backups, verification and the storage check — on or off, how often, which
// day, what time — with the next and the last run of each.
import { Badge, Button, Card, Checkbox, Group, NumberInput, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { ProfileSchedules, ScheduleKind, ScheduledTaskState, ScheduleView, Timing } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';

const WHAT: Record<ScheduleKind, { title: string; on: string }> = {
  backup: { title: 'Backup', on: 'Back up by itself' },
  verify: { title: 'Verification', on: 'Verify the backups by itself' },
  check: { title: 'Storage check', on: 'Check the storage by itself' },
};
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'].map((label, i) => ({ value: String(i), label }));
const OUTCOME: Record<string, string> = { started: 'Started', busy: 'Skipped: another job was running', skipped: 'Skipped', error: 'Could not start' };

function LastRun({ task }: { task: ScheduledTaskState }) {
  const last = task.lastRun;
  return (
    <Stack gap={2}>
      {task.nextRunAt ? <Text size="sm">Next: {formatDateTime(task.nextRunAt)}</Text> : null}
      {last ? (
        <Text size="sm" c={last.outcome === 'started' ? undefined : 'orange'}>
          Last: {formatDateTime(last.startedAt)} — {OUTCOME[last.outcome]}
          {last.missed ? ` (late: it was planned for ${formatDateTime(last.dueAt)} while the app was not running)` : ''}
        </Text>
      ) : (
        <Text size="sm" c="dimmed">
          Not run by the schedule yet.
        </Text>
      )}
    </Stack>
  );
}

function TimingFields({ kind, t, set }: { kind: ScheduleKind; t: Timing; set: (change: Partial<Timing>) => void }) {
  const label = WHAT[kind].title;
  return (
    <Group align="flex-end" gap="sm">
      <Select
        label="How often"
        aria-label={`${label}: how often`}
        data={[
          { value: 'daily', label: 'Every day' },
          { value: 'weekly', label: 'Every week' },
          { value: 'monthly', label: 'Every month' },
        ]}
        value={t.frequency}
        onChange={(v) => v && set({ frequency: v as Timing['frequency'] })}
        allowDeselect={false}
        disabled={!t.enabled}
        w={150}
      />
      {t.frequency === 'weekly' ? <Select label="On" aria-label={`${label}: day of the week`} data={WEEKDAYS} value={String(t.weekday)} onChange={(v) => v && set({ weekday: Number(v) })} allowDeselect={false} disabled={!t.enabled} w={150} /> : null}
      {t.frequency === 'monthly' ? <NumberInput label="Day of the month" aria-label={`${label}: day of the month`} min={1} max={28} value={t.monthDay} onChange={(v) => set({ monthDay: Number(v) || 1 })} disabled={!t.enabled} w={150} /> : null}
      <TextInput type="time" label="At" aria-label={`${label}: time`} value={t.time} onChange={(e) => set({ time: e.currentTarget.value })} disabled={!t.enabled} w={120} />
    </Group>
  );
}

export function ScheduleEditor({ view, onSaved }: { view: ScheduleView; onSaved: (v: ScheduleView) => void }) {
  const [draft, setDraft] = useState<ProfileSchedules>(view.schedules);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<UserErrorData | null>(null);
  const changed = JSON.stringify(draft) !== JSON.stringify(view.schedules);
  const set = <K extends ScheduleKind>(kind: K, change: Partial<ProfileSchedules[K]>) => setDraft((d) => ({ ...d, [kind]: { ...d[kind], ...change } }));

  const save = () => {
    setSaving(true);
    setError(null);
    api.schedule
      .set({ profile: view.profile, schedules: draft })
      .then((v) => {
        setDraft(v.schedules);
        onSaved(v);
      }, (err: unknown) => setError(errorData(err)))
      .finally(() => setSaving(false));
  };

  return (
    <Card withBorder p="lg" component="section" aria-label="When">
      <Stack gap="lg">
        {(['backup', 'verify', 'check'] as const).map((kind) => {
          const t = draft[kind];
          const task = view.tasks.find((x) => x.kind === kind)!;
          return (
            <Stack key={kind} gap="xs" data-kind={kind}>
              <Group justify="space-between" align="center">
                <Group gap="sm">
                  <Title order={3} size="h4">
                    {WHAT[kind].title}
                  </Title>
                  <Badge variant="light" color={t.enabled ? 'blue' : 'gray'} tt="none" size="lg">
                    {task.description}
                  </Badge>
                </Group>
                <Switch label={WHAT[kind].on} checked={t.enabled} onChange={(e) => set(kind, { enabled: e.currentTarget.checked })} />
              </Group>
              <TimingFields kind={kind} t={t} set={(c) => set(kind, c)} />
              {kind === 'backup' ? (
                <Checkbox label="After each good backup, clean up old backups by the retention rules (below)" checked={draft.backup.pruneAfter} onChange={(e) => set('backup', { pruneAfter: e.currentTarget.checked })} disabled={!t.enabled} />
              ) : null}
              {kind === 'verify' ? (
                <Group align="flex-end" gap="sm">
                  <Select
                    label="How thorough"
                    data={[
                      { value: 'full', label: 'Full: read all the data' },
                      { value: 'sampled', label: 'Sampled: a part each time' },
                    ]}
                    value={draft.verify.depth}
                    onChange={(v) => v && set('verify', { depth: v as 'full' | 'sampled' })}
                    allowDeselect={false}
                    disabled={!t.enabled}
                    w={240}
                  />
                  {draft.verify.depth === 'sampled' ? <NumberInput label="Part read each time (%)" min={1} max={100} value={draft.verify.samplePercent} onChange={(v) => set('verify', { samplePercent: Number(v) || 10 })} disabled={!t.enabled} w={190} /> : null}
                  <Checkbox label="Also restore the database into a scratch copy to prove it works" checked={draft.verify.testRestore} onChange={(e) => set('verify', { testRestore: e.currentTarget.checked })} disabled={!t.enabled} mb={8} />
                </Group>
              ) : null}
              <LastRun task={task} />
            </Stack>
          );
        })}
        {error ? <ErrorAlert error={error} /> : null}
        <Group>
          <Button onClick={save} loading={saving} disabled={!changed}>
            Save schedules
          </Button>
          {changed ? (
            <Button variant="subtle" onClick={() => setDraft(view.schedules)}>
              Undo changes
            </Button>
          ) : null}
        </Group>
      </Stack>
    </Card>
  );
}
