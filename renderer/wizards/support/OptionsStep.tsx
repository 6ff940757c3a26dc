// Step 1 of the support bundle: what it will hold, and whether file names may be in it.
import { Checkbox, List, Stack, Text } from '@mantine/core';
import { useSupport } from './state';

export function OptionsStep() {
  const { includeNames, set } = useSupport();
  return (
    <Stack gap="md">
      <Text size="lg">A support bundle is one zip file for whoever helps you with PCI Maintenance. It holds:</Text>
      <List spacing={4}>
        <List.Item>the app’s log files, current and older ones;</List.Item>
        <List.Item>recent history: operations and updates of PCI File Manager;</List.Item>
        <List.Item>system information: operating system, versions, memory, free space;</List.Item>
        <List.Item>your connections, and a fresh test of each one;</List.Item>
        <List.Item>the latest pre-update checklist and storage check, and a summary of your backups.</List.Item>
      </List>
      <Text>
        Every password and key is removed, and so is anything that looks like one. You see the list of files before anything is saved, and can leave files out.
      </Text>
      <Checkbox
        size="md"
        label="Include file names and object keys"
        description="Names of the files in PCI File Manager can be personal data. Leave this off unless the person helping you asks for them."
        checked={includeNames}
        onChange={(e) => set({ includeNames: e.currentTarget.checked })}
      />
    </Stack>
  );
}
