// Step 1 before the update: which version is installed now, which one is coming, and (optional) how
// PCI Maintenance can see PCI File Manager by itself.
import { Divider, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useProfiles } from '../../stores/profiles';
import { AppSettingsForm } from './AppSettingsForm';
import { useChecklist } from './state';

export function VersionsStep({ profile }: { profile: string }) {
  const { fromVersion, toVersion, set } = useChecklist();
  const versionFile = useProfiles((s) => s.profiles?.find((p) => p.profile.name === profile)?.profile.app.versionFile);
  return (
    <Stack gap="md">
      <Text size="lg">The checklist records what you update, checks everything that can be checked, and takes a fresh backup you can roll back to.</Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label="Version you have now"
          placeholder="e.g. 2.3.0"
          description={versionFile ? `Leave empty to read it from ${versionFile}.` : 'PCI File Manager shows it on its About page.'}
          value={fromVersion}
          onChange={(e) => set({ fromVersion: e.currentTarget.value })}
        />
        <TextInput
          label="Version you will install (optional)"
          placeholder="e.g. 2.4.0"
          description="As named in the release notes."
          value={toVersion}
          onChange={(e) => set({ toVersion: e.currentTarget.value })}
        />
      </SimpleGrid>
      <Divider />
      <Title order={3} size="h4">
        PCI File Manager settings (optional)
      </Title>
      <AppSettingsForm profile={profile} />
    </Stack>
  );
}
