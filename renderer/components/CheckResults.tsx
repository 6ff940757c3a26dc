// The result of "Test connection": one line per check, with what to do next when one did not pass.
import { Code, Collapse, Group, List, Stack, Text, ThemeIcon, UnstyledButton } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import type { CheckResult } from '../../shared/contract';

const LOOK = {
  pass: { color: 'green', icon: <IconCheck size={16} />, word: 'Passed' },
  warn: { color: 'orange', icon: <IconAlertTriangle size={16} />, word: 'Warning' },
  fail: { color: 'red', icon: <IconX size={16} />, word: 'Failed' },
} as const;

function Details({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <UnstyledButton onClick={() => setOpen((o) => !o)} aria-expanded={open} fz="sm" c="dimmed">
        {open ? 'Hide technical details' : 'Show technical details'}
      </UnstyledButton>
      <Collapse expanded={open}>
        <Code block>{text}</Code>
      </Collapse>
    </>
  );
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
                <Text role={c.status === 'fail' ? 'alert' : undefined}>{c.message}</Text>
                {c.status !== 'pass' && c.hint ? (
                  <Text fw={600} c={c.status === 'fail' ? 'red' : 'orange'}>
                    {c.hint}
                  </Text>
                ) : null}
                {c.details ? <Details text={c.details} /> : null}
              </Stack>
            </Group>
          </List.Item>
        );
      })}
    </List>
  );
}
