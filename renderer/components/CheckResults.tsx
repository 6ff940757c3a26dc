// The result of "Test connection": one line per check, with what to do next when one did not pass.
import { Code, Group, List, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconX } from '@tabler/icons-react';
import type { CheckResult } from '../../shared/contract';
import { formatDatesIn } from '../../shared/format';
import { TechnicalDetails } from './TechnicalDetails';

const LOOK = {
  pass: { color: 'green', icon: <IconCheck size={16} />, word: 'Passed' },
  warn: { color: 'orange', icon: <IconAlertTriangle size={16} />, word: 'Warning' },
  fail: { color: 'red', icon: <IconX size={16} />, word: 'Failed' },
} as const;

/** A MongoDB shell command (the grant an administrator runs) is shown as code, so it can be copied exactly. */
const SHELL_COMMAND = /(db\.grantRolesToUser\([^\n]*?\]\))/;

function WithCommands({ text }: { text: string }) {
  const parts = text.split(SHELL_COMMAND);
  if (parts.length === 1) return <>{text}</>;
  return <>{parts.map((part, i) => (i % 2 === 1 ? <Code key={i}>{part}</Code> : part))}</>;
}

export function CheckResults({ checks, label }: { checks: CheckResult[]; label: string }) {
  return (
    <List spacing="sm" listStyleType="none" aria-label={label} data-testid="check-results">
      {checks.map((c) => {
        const look = LOOK[c.status];
        return (
          <List.Item key={c.id} data-check={c.id} data-status={c.status}>
            <Group align="flex-start" wrap="nowrap" gap="sm">
              <ThemeIcon color={look.color} radius="xl" size="md" role="img" aria-label={look.word}>
                {look.icon}
              </ThemeIcon>
              <Stack gap={2}>
                <Text fw={600}>{c.label}</Text>
                <Text role={c.status === 'fail' ? 'alert' : undefined}>
                  <WithCommands text={formatDatesIn(c.message)} />
                </Text>
                {c.status !== 'pass' && c.hint ? (
                  <Text fw={600} c={c.status === 'fail' ? 'red' : 'orange'}>
                    <WithCommands text={c.hint} />
                  </Text>
                ) : null}
                {c.details ? <TechnicalDetails text={c.details} /> : null}
              </Stack>
            </Group>
          </List.Item>
        );
      })}
    </List>
  );
}
