// How long the backups of a connection are kept: by age (daily, weekly, monthly, yearly, the newest N)
// and by tag (backups asked for by an event, the safety copies). Every clean-up uses these rules.
import { ActionIcon, Button, Card, Group, NumberInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { BackupTag, type RetentionSettings, type RetentionView } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatBytes, formatDateTime } from '../../../shared/format';
import { summaryOf } from '../../../shared/api/job-summaries';
import { isFinal, type Job } from '../../../shared/jobs';
import { useJobs } from '../../stores/jobs';

/** The tags the app sets itself, in words; other tags are shown as typed. */
const TAG_WORDS: Record<string, string> = {
  event: 'Backups asked for by an event',
  'pre-update': 'Backups before an update',
  'pre-restore': 'Safety copies before a rollback',
};

const AGE_RULES: Array<{ key: 'keepDaily' | 'keepWeekly' | 'keepMonthly' | 'keepYearly' | 'keepLast'; label: string; description: string }> = [
  { key: 'keepDaily', label: 'Daily backups to keep', description: 'The last backup of each of this many days' },
  { key: 'keepWeekly', label: 'Weekly backups to keep', description: 'The last backup of each of this many weeks' },
  { key: 'keepMonthly', label: 'Monthly backups to keep', description: 'The last backup of each of this many months' },
  { key: 'keepYearly', label: 'Yearly backups to keep', description: 'The last backup of each of this many years' },
  { key: 'keepLast', label: 'Newest backups to keep', description: 'This many of the newest, whatever their age' },
];

export function RetentionEditor({ profile }: { profile: string }) {
  const [view, setView] = useState<RetentionView | null>(null);
  const [draft, setDraft] = useState<RetentionSettings | null>(null);
  const [error, setError] = useState<UserErrorData | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [newTag, setNewTag] = useState('');
  const [newDays, setNewDays] = useState<number>(30);
  const [previewId, setPreviewId] = useState<string | null>(null);
  const preview = useJobs((st) => (previewId ? (st.jobs[previewId] ?? null) : null));

  const apply = (v: RetentionView) => {
    setView(v);
    setDraft(v.settings);
  };
  useEffect(() => {
    api.retention.get({ profile }).then(apply, (err: unknown) => setError(errorData(err)));
  }, [profile]);

  if (!view || !draft) return error ? <ErrorAlert error={error} /> : null;
  const changed = JSON.stringify(draft) !== JSON.stringify(view.settings);
  const tagValid = BackupTag.safeParse(newTag).success && !(newTag in draft.keepTaggedDays);

  const save = (settings: RetentionSettings | null) => {
    setSaving(true);
    setError(null);
    setSaved(false);
    api.retention
      .set({ profile, settings })
      .then((v) => {
        apply(v);
        setSaved(true);
      }, (err: unknown) => setError(errorData(err)))
      .finally(() => setSaving(false));
  };
  // A dry run with the rules on the screen (saved or not): what a clean-up would remove, and why each stays.
  const startPreview = () => {
    setError(null);
    api.prune.start({ profile, dryRun: true, retention: draft }).then((job) => {
      useJobs.getState().upsert(job);
      setPreviewId(job.id);
    }, (err: unknown) => setError(errorData(err)));
  };
  const setTagDays = (tag: string, days: number) => setDraft({ ...draft, keepTaggedDays: { ...draft.keepTaggedDays, [tag]: days } });
  const removeTag = (tag: string) => {
    const rest = { ...draft.keepTaggedDays };
    delete rest[tag];
    setDraft({ ...draft, keepTaggedDays: rest });
  };

  return (
    <Card withBorder p="lg" component="section" aria-label="How long backups are kept">
      <Stack gap="md">
        <Stack gap={4}>
          <Title order={3} size="h4">
            How long backups are kept
          </Title>
          <Text size="sm" c="dimmed">
            Every clean-up — after a scheduled backup, or with “pci-maint prune” — keeps a backup when any rule below keeps it. The newest one is always kept.
            {view.saved ? '' : ' These are the defaults.'}
          </Text>
        </Stack>
        <Group align="flex-start" gap="sm">
          {AGE_RULES.map((r) => (
            <NumberInput key={r.key} label={r.label} description={r.description} min={0} max={10_000} value={draft[r.key]} onChange={(v) => setDraft({ ...draft, [r.key]: Math.max(0, Math.floor(Number(v) || 0)) })} w={190} />
          ))}
        </Group>
        <Stack gap="xs" aria-label="Kept by tag" role="group">
          <Text fw={600}>Kept by tag, for a number of days</Text>
          {Object.entries(draft.keepTaggedDays).map(([tag, days]) => (
            <Group key={tag} gap="sm" align="flex-end">
              <NumberInput label={TAG_WORDS[tag] ?? `Backups tagged “${tag}”`} description="Days" min={0} max={36_500} value={days} onChange={(v) => setTagDays(tag, Math.max(0, Math.floor(Number(v) || 0)))} w={260} />
              <ActionIcon variant="subtle" color="red" size="lg" mb={4} aria-label={`Remove the rule for “${tag}”`} onClick={() => removeTag(tag)}>
                <IconTrash size={18} />
              </ActionIcon>
            </Group>
          ))}
          <Group gap="sm" align="flex-end">
            <TextInput label="Another tag" placeholder="gallery-added" value={newTag} onChange={(e) => setNewTag(e.currentTarget.value.trim())} error={newTag && !tagValid ? 'Lower-case letters, digits and dashes; not a tag already listed.' : undefined} w={200} />
            <NumberInput label="Days to keep it" min={1} max={36_500} value={newDays} onChange={(v) => setNewDays(Math.max(1, Math.floor(Number(v) || 1)))} w={150} />
            <Button
              variant="light"
              disabled={!tagValid}
              onClick={() => {
                setTagDays(newTag, newDays);
                setNewTag('');
              }}
            >
              Add tag rule
            </Button>
          </Group>
        </Stack>
        {error ? <ErrorAlert error={error} /> : null}
        {saved && !changed ? (
          <Text c="teal" role="status">
            Saved. The next clean-up uses these rules.
          </Text>
        ) : null}
        <Group>
          <Button onClick={() => save(draft)} loading={saving} disabled={!changed}>
            Save retention rules
          </Button>
          {changed ? (
            <Button variant="subtle" onClick={() => setDraft(view.settings)}>
              Undo changes
            </Button>
          ) : null}
          {view.saved ? (
            <Button variant="subtle" onClick={() => save(null)}>
              Use the defaults
            </Button>
          ) : null}
          <Button variant="light" onClick={startPreview} loading={Boolean(preview && !isFinal(preview.status))}>
            Preview a clean-up with these rules
          </Button>
        </Group>
        {preview ? <PreviewResult job={preview} /> : null}
      </Stack>
    </Card>
  );
}

function PreviewResult({ job }: { job: Job }) {
  if (!isFinal(job.status)) return <Text size="sm">Looking at the restore points…</Text>;
  if (job.error) return <ErrorAlert error={job.error} />;
  const s = summaryOf(job, 'prune');
  if (!s) return null;
  const rows = [...s.keep.map((d) => ({ ...d, kept: true })), ...s.forget.map((d) => ({ ...d, kept: false }))].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  return (
    <Stack gap="xs" aria-label="Clean-up preview" role="region">
      <Text fw={600} role="status">
        A clean-up with these rules would remove {s.forget.length} of {rows.length} restore points and free {formatBytes(s.freedBytes)}. Nothing was removed.
      </Text>
      {rows.length > 0 ? (
        <Table aria-label="Restore points and the rules" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Made</Table.Th>
              <Table.Th>Why</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>{formatDateTime(r.createdAt)}</Table.Td>
                <Table.Td c={r.kept ? undefined : 'red.8'}>{r.why ?? (r.kept ? 'kept' : 'removed')}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </Stack>
  );
}
