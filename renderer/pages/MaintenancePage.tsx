// Maintenance: the housekeeping tasks of PCI Maintenance (with "Run now"), the schedules of each
// connection (with "Run without the app" and notifications), and PCI File Manager's log analysis.
import { Select, Stack, Text, Title } from '@mantine/core';
import { useEffect } from 'react';
import { useProfiles } from '../stores/profiles';
import { TasksSection } from './maintenance/TasksSection';
import { SchedulesSection } from './maintenance/SchedulesSection';
import { LogAnalysisSection } from './maintenance/LogAnalysisSection';

export function MaintenancePage() {
  const { profiles, selected, select, load } = useProfiles();
  useEffect(() => void load(), [load]);
  return (
    <Stack gap="xl" maw={1040}>
      <Stack gap="xs">
        <Title order={1}>Maintenance</Title>
        <Text size="lg">Backups and checks that run by themselves, who is told when one fails, and the housekeeping of PCI Maintenance.</Text>
      </Stack>
      <TasksSection />
      {profiles && profiles.length > 1 ? (
        <Select
          label="Connection"
          description="Schedules, notifications and log analysis are set per connection."
          data={profiles.map((p) => p.profile.name)}
          value={selected}
          onChange={(v) => v && select(v)}
          allowDeselect={false}
          maw={360}
        />
      ) : null}
      {profiles && profiles.length === 0 ? (
        <Stack gap="xs" component="section" aria-label="Schedules">
          <Title order={2}>Schedules</Title>
          <Text>Connect PCI File Manager first (Settings → Connections); then its backups can run by themselves.</Text>
        </Stack>
      ) : null}
      {selected ? <SchedulesSection key={selected} profile={selected} /> : null}
      {selected ? <LogAnalysisSection key={`logs-${selected}`} profile={selected} /> : null}
    </Stack>
  );
}
