// The checklist's checks, one per line: passed / warning / failed / not run, what was found, what to do,
// the button that fixes it (where there is one) and, for a warning before the update, a box to accept it.
import { Button, Checkbox, Group, List, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconAlertTriangle, IconArchive, IconCheck, IconMinus, IconRestore, IconSettings, IconX } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import type { ChecklistAction, ChecklistCheck } from '../../../shared/contract';
import { formatDatesIn } from '../../../shared/format';
import { TechnicalDetails } from '../../components/TechnicalDetails';

const LOOK = {
  pass: { color: 'green', icon: <IconCheck size={16} />, word: 'Passed' },
  warn: { color: 'orange', icon: <IconAlertTriangle size={16} />, word: 'Warning' },
  fail: { color: 'red', icon: <IconX size={16} />, word: 'Failed' },
  skipped: { color: 'gray', icon: <IconMinus size={16} />, word: 'Not run' },
} as const;

const ACTIONS: Record<ChecklistAction, { label: string; icon: ReactNode }> = {
  backup: { label: 'Back up and verify now', icon: <IconArchive size={18} /> },
  rollback: { label: 'Roll back', icon: <IconRestore size={18} /> },
  settings: { label: 'PCI File Manager settings', icon: <IconSettings size={18} /> },
};

export interface ChecksListProps {
  checks: ChecklistCheck[];
  label: string;
  /** Warnings accepted so far (check id → the message accepted); omit where warnings need no answer. */
  acknowledged?: Record<string, string>;
  /** Record the acceptance; the box ticks at once and unticks again if this fails. */
  onAcknowledge?: (id: string) => void | Promise<unknown>;
  onAction?: (action: ChecklistAction) => void;
  /** Actions that are running now (their button shows it and waits). */
  busy?: Partial<Record<ChecklistAction, boolean>>;
}

export function ChecksList({ checks, label, acknowledged, onAcknowledge, onAction, busy = {} }: ChecksListProps) {
  // Ticked, not yet recorded (the round trip takes a moment; a box that waits invites a second click).
  const [ticking, setTicking] = useState<Record<string, string>>({});
  const tick = (id: string, message: string) => {
    setTicking((t) => ({ ...t, [id]: message }));
    void Promise.resolve(onAcknowledge?.(id)).finally(() =>
      setTicking((t) => {
        const { [id]: _done, ...rest } = t;
        return rest;
      }),
    );
  };
  return (
    <List spacing="md" listStyleType="none" aria-label={label} data-testid="checklist-checks">
      {checks.map((c) => {
        const look = LOOK[c.status];
        const accepted = acknowledged?.[c.id] === c.message || ticking[c.id] === c.message;
        return (
          <List.Item key={c.id} data-check={c.id} data-status={c.status}>
            <Group align="flex-start" wrap="nowrap" gap="sm">
              <ThemeIcon color={look.color} radius="xl" size="md" role="img" aria-label={look.word} mt={2}>
                {look.icon}
              </ThemeIcon>
              <Stack gap={4}>
                <Text fw={600}>{c.label}</Text>
                <Text>{formatDatesIn(c.message)}</Text>
                {c.status !== 'pass' && c.hint ? (
                  <Text fw={600} c={c.status === 'fail' ? 'red' : c.status === 'warn' ? 'orange' : 'dimmed'}>
                    {c.hint}
                  </Text>
                ) : null}
                {c.details ? <TechnicalDetails label="details" text={c.details} /> : null}
                <Group gap="sm">
                  {c.action && onAction && c.status !== 'pass' && c.status !== 'skipped' ? (
                    <Button
                      size="sm"
                      variant={c.action === 'settings' ? 'default' : 'filled'}
                      color={c.action === 'rollback' ? 'red' : undefined}
                      leftSection={ACTIONS[c.action].icon}
                      loading={busy[c.action]}
                      onClick={() => onAction(c.action!)}
                    >
                      {ACTIONS[c.action].label}
                    </Button>
                  ) : null}
                  {c.status === 'warn' && onAcknowledge ? (
                    <Checkbox label="I have read this warning; go on anyway" checked={accepted} disabled={accepted} onChange={() => tick(c.id, c.message)} />
                  ) : null}
                </Group>
              </Stack>
            </Group>
          </List.Item>
        );
      })}
    </List>
  );
}
