// Settings: facts about this installation and the connections to PCI File Manager.
import { Stack, Table, Text, Title } from '@mantine/core';
import { useApp } from '../stores/app';
import { ErrorAlert } from '../components/ErrorAlert';
import { ConnectionsSection } from './settings/ConnectionsSection';

export function SettingsPage() {
  const { info, error } = useApp();
  return (
    <Stack gap="lg">
      <Title order={1}>Settings</Title>
      {error ? <ErrorAlert error={error} /> : null}
      {info ? (
        <Table aria-label="About this installation" maw={720}>
          <Table.Tbody>
            <Table.Tr>
              <Table.Th>Version</Table.Th>
              <Table.Td>{info.version}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Data folder</Table.Th>
              <Table.Td>{info.dataFolder}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Running as</Table.Th>
              <Table.Td>{info.mode === 'desktop' ? 'Desktop app' : info.mode === 'browser' ? 'Browser (pci-maint serve)' : 'Command line'}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>System</Table.Th>
              <Table.Td>
                {info.platform} ({info.arch}), Node {info.nodeVersion}
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      ) : null}
      <Text c="dimmed">Colours follow your system's light or dark setting.</Text>
      <ConnectionsSection />
    </Stack>
  );
}
