// Step 4: where the backups go: a folder (a second disk, a USB drive, a network share) or a bucket.
import { Button, Group, SegmentedControl, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useApp } from '../../stores/app';
import { formatBytes } from '../../../shared/format';
import { api } from '../../api';
import { TestSection } from './TestButton';
import { destination, r2Settings, testKey, useConnect } from './state';

export function destKey(): string {
  const f = useConnect.getState().form;
  return testKey(destination(f), f.secretAccessKey);
}

export async function runDestTest() {
  const { form, patch } = useConnect.getState();
  const key = destKey();
  const report = await api.connections.testDestination({
    destination: destination(form),
    // A bucket destination takes the files bucket's account by default (PCI File Manager only).
    r2: form.preset === 'pci' ? r2Settings(form) : undefined,
    secretAccessKey: form.destKind === 's3' ? form.secretAccessKey.trim() || undefined : undefined,
    profile: form.editing ?? undefined,
  });
  patch({ destTest: { key, report } });
  return report;
}

export function DestinationStep() {
  const form = useConnect((s) => s.form);
  const set = useConnect((s) => s.set);
  const test = useConnect((s) => s.destTest);
  const facts = test?.report.destination;
  // The desktop app has the system's folder picker; in a browser the path is typed.
  const desktop = useApp((s) => s.info?.mode === 'desktop');
  const choose = async () => {
    const picked = await api.dialogs.pickFolder({ title: 'Choose the backup folder', defaultPath: form.destPath || undefined });
    if (picked.path) set({ destPath: picked.path });
  };
  return (
    <Stack gap="md">
      <Text>Choose where the backups are kept. Best is a different disk than the one PCI File Manager runs on, or a second bucket (an off-site copy).</Text>
      <SegmentedControl
        aria-label="Kind of backup location"
        value={form.destKind}
        onChange={(v) => set({ destKind: v as 'folder' | 's3' })}
        data={[
          { value: 'folder', label: 'A folder' },
          { value: 's3', label: 'A bucket' },
        ]}
        w="fit-content"
      />
      {form.destKind === 'folder' ? (
        <Group align="flex-end" wrap="nowrap">
          <TextInput
            label="Backup folder"
            description="The full path of a folder on this computer, e.g. /media/backup/pci or D:\Backups\PCI"
            value={form.destPath}
            onChange={(e) => set({ destPath: e.currentTarget.value })}
            autoComplete="off"
            spellCheck={false}
            required
            style={{ flex: 1 }}
          />
          {desktop ? (
            <Button variant="default" onClick={() => void choose()}>
              Choose…
            </Button>
          ) : null}
        </Group>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="Backup bucket name" description="In the same account, with the same keys as the files." value={form.destBucket} onChange={(e) => set({ destBucket: e.currentTarget.value })} autoComplete="off" spellCheck={false} required />
          <TextInput label="Folder in the bucket (optional)" description="Keeps the backups apart from anything else in that bucket, e.g. pci-backups." value={form.destPrefix} onChange={(e) => set({ destPrefix: e.currentTarget.value })} autoComplete="off" spellCheck={false} />
        </SimpleGrid>
      )}
      {facts?.freeBytes != null ? (
        <Text fw={600} data-testid="free-space">
          Free space: {formatBytes(facts.freeBytes)} of {formatBytes(facts.totalBytes)}
        </Text>
      ) : null}
      <TestSection label="Backup location" report={test?.report ?? null} run={runDestTest} />
    </Stack>
  );
}
