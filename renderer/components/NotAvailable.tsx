// The honest state of a screen whose feature has not been built into this version yet.
import { Paper, Stack, Text, Title } from '@mantine/core';
import { IconTools } from '@tabler/icons-react';

export function NotAvailable({ feature, what }: { feature: string; what: string }) {
  return (
    <Paper withBorder p="xl" radius="md" maw={720}>
      <Stack gap="sm" align="flex-start">
        <IconTools size={36} aria-hidden />
        <Title order={1}>{feature} is not available yet</Title>
        <Text size="lg">{what}</Text>
        <Text c="dimmed">This version of PCI Maintenance does not include it yet. Nothing on this page is pretend: when it arrives, it will work with your real data.</Text>
      </Stack>
    </Paper>
  );
}
