// The last step before the update: what to do now, and the promise that the checklist waits here.
import { Alert, List, Stack, Text } from '@mantine/core';
import { useChecklist } from './state';

export function ReadyStep() {
  const record = useChecklist((s) => s.record);
  if (!record) return null;
  return (
    <Stack gap="md">
      <Alert color="green" title="Ready to update" role="status">
        <Text>
          Everything is checked and a verified backup is ready{record.snapshotId ? ` (restore point ${record.snapshotId.slice(0, 8)})` : ''}. If the update goes wrong, you can roll back to it.
        </Text>
      </Alert>
      <Text size="lg" fw={600}>
        Now update PCI File Manager
        {record.toVersion ? ` to version ${record.toVersion}` : ''}, following its release notes:
      </Text>
      <List type="ordered" spacing="xs">
        <List.Item>Install the new version.</List.Item>
        <List.Item>Start PCI File Manager again.</List.Item>
        <List.Item>Come back here: PCI Maintenance remembers this update and checks the result against what was recorded before.</List.Item>
      </List>
    </Stack>
  );
}
