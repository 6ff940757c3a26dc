// One group of the plan (every day / week / month): each item with its state, its last result or
// sign-off, and what to do — "Run now" for a check, "Mark as done" (with a note) for a manual step.
import { Badge, Button, Group, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import type { PlanCheckResult, PlanItem } from '../../../shared/contract';
import { formatDateTime } from '../../../shared/format';

const STATE: Record<PlanItem['state'], { word: string; color: string }> = {
  due: { word: 'Due now', color: 'yellow' },
  overdue: { word: 'Overdue', color: 'red' },
  done: { word: 'Done', color: 'green' },
  off: { word: 'Switched off', color: 'gray' },
};

/** The page each helping link opens, by its name in the navigation. */
const PAGE_NAMES: Record<string, string> = { '/settings': 'Settings', '/restore': 'Restore', '/backup': 'Backup', '/verify': 'Verify', '/maintenance': 'Maintenance', '/checklist': 'Pre-update checklist', '/restore-points': 'Restore points' };

const LEVEL: Record<PlanCheckResult['level'], { word: string; color: string }> = {
  ok: { word: 'OK', color: 'green' },
  info: { word: 'Note', color: 'blue' },
  warning: { word: 'Warning', color: 'yellow' },
  critical: { word: 'Critical', color: 'red' },
  'not-checked': { word: 'Not checked', color: 'gray' },
};

interface Props {
  title: string;
  items: PlanItem[];
  busy: boolean;
  onRun(id: string): void;
  onSignOff(id: string, note: string): Promise<boolean>;
}

export function PlanGroup({ title, items, busy, onRun, onSignOff }: Props) {
  return (
    <Stack gap="sm" component="section" aria-label={title}>
      <Title order={2}>{title}</Title>
      <Table aria-label={title} verticalSpacing="sm" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="34%">What</Table.Th>
            <Table.Th w="14%">When</Table.Th>
            <Table.Th>Last time</Table.Th>
            <Table.Th w={150} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((i) => (
            <ItemRow key={i.id} item={i} busy={busy} onRun={onRun} onSignOff={onSignOff} />
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function ItemRow({ item: i, busy, onRun, onSignOff }: { item: PlanItem } & Omit<Props, 'title' | 'items'>) {
  const [signing, setSigning] = useState(false);
  const [note, setNote] = useState('');
  // A check that ran is "checked" (its result says what it found); a step a person signed off is "done".
  const state = i.state === 'done' && i.kind === 'automated' ? { ...STATE.done, word: 'Checked' } : STATE[i.state];
  const action =
    i.kind === 'automated' ? (
      <Button size="xs" variant="default" disabled={busy || i.state === 'off'} onClick={() => onRun(i.id)} aria-label={`Run now: ${i.title}`}>
        Run now
      </Button>
    ) : signing ? null : (
      <Button size="xs" variant="default" disabled={i.state === 'off'} onClick={() => setSigning(true)} aria-label={`Mark as done: ${i.title}`}>
        Mark as done
      </Button>
    );
  const form = (
    <Table.Tr data-signing={i.id}>
      <Table.Td colSpan={4}>
        <Stack gap="xs" maw={520}>
          <Textarea label={`Note for “${i.title}”`} description="What you did or found (optional); it is kept in the history." value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} data-autofocus />
          <Group gap="xs">
            <Button size="xs" onClick={() => void onSignOff(i.id, note).then((ok) => ok && (setSigning(false), setNote('')))}>
              Sign off
            </Button>
            <Button size="xs" variant="subtle" onClick={() => setSigning(false)}>
              Cancel
            </Button>
          </Group>
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
  return (
    <>
      <Table.Tr data-item={i.id}>
        <Table.Td>
          <Text fw={600}>{i.title}</Text>
          <Text size="sm" c="dimmed">
            {i.kind === 'manual' ? 'A step for you. ' : 'Checked by the app. '}
            {i.description}
          </Text>
          {i.route ? (
            <Text size="sm" component={Link} to={i.route} c="blue">
              Go to {PAGE_NAMES[i.route] ?? 'the page that helps'}
            </Text>
          ) : null}
        </Table.Td>
        <Table.Td>
          <Stack gap={4}>
            <Badge color={state.color} w="fit-content" data-state={i.state}>
              {state.word}
            </Badge>
            {i.dueAt && i.state !== 'off' ? <Text size="xs">Next: {formatDateTime(i.dueAt)}</Text> : null}
          </Stack>
        </Table.Td>
        <Table.Td>
          <LastTime item={i} />
        </Table.Td>
        <Table.Td>{action}</Table.Td>
      </Table.Tr>
      {signing ? form : null}
    </>
  );
}

function LastTime({ item: i }: { item: PlanItem }) {
  if (i.kind === 'manual') {
    if (!i.lastSignOff) return <Text size="sm" c="dimmed">Not done yet</Text>;
    return (
      <Stack gap={2}>
        <Text size="sm">Done {formatDateTime(i.lastSignOff.at)}</Text>
        {i.lastSignOff.note ? <Text size="sm" data-testid={`note-${i.id}`}>“{i.lastSignOff.note}”</Text> : null}
      </Stack>
    );
  }
  const r = i.lastResult;
  if (!r) return <Text size="sm" c="dimmed">Not run yet</Text>;
  const level = LEVEL[r.level];
  return (
    <Stack gap={4} data-testid={`result-${i.id}`}>
      <Group gap="xs">
        <Badge color={level.color} data-level={r.level}>
          {level.word}
        </Badge>
        <Text size="xs">{formatDateTime(r.at)}</Text>
      </Group>
      <Text size="sm">{r.summary}</Text>
      {r.whatToDo && r.level !== 'ok' ? <Text size="sm">What to do: {r.whatToDo}</Text> : null}
      {r.details.length > 0 && r.level !== 'ok' ? (
        <details>
          <summary style={{ cursor: 'pointer' }}>More</summary>
          <Stack gap={2} mt={4}>
            {r.details.map((d, n) => (
              <Text key={n} size="xs">
                {d}
              </Text>
            ))}
          </Stack>
        </details>
      ) : null}
    </Stack>
  );
}
