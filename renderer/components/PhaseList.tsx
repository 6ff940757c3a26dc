// A job's phases in order, each marked done, in progress or still to come (backup and restore wizards).
import { List, Loader, Text, ThemeIcon } from '@mantine/core';
import { IconCheck, IconCircleDashed } from '@tabler/icons-react';

export function PhaseList({ phases, current, label }: { phases: string[]; current: number; label: string }) {
  return (
    <List spacing="xs" center aria-label={label}>
      {phases.map((phase, i) => {
        const done = current > i;
        const now = current === i;
        return (
          <List.Item
            key={phase}
            icon={
              done ? (
                <ThemeIcon color="green" size={22} radius="xl">
                  <IconCheck size={14} aria-label="done" />
                </ThemeIcon>
              ) : now ? (
                <Loader size={20} role="img" aria-label="in progress" />
              ) : (
                <ThemeIcon color="gray" variant="light" size={22} radius="xl">
                  <IconCircleDashed size={14} aria-label="to come" />
                </ThemeIcon>
              )
            }
          >
            <Text fw={now ? 700 : 400} c={done || now ? undefined : 'dimmed'}>
              {phase}
            </Text>
          </List.Item>
        );
      })}
    </List>
  );
}
