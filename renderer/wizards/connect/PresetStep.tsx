// The first step: what kind of application this connection keeps safe. PCI File Manager (its
// database, its bucket and how file records point at files), a SQLite app (a database file, content
// folders, log files), or files picked by hand.
import { Radio, Stack, Text } from '@mantine/core';
import type { Preset } from '../../../shared/profile';
import { useConnect } from './state';

const CHOICES: Array<{ value: Preset; label: string; description: string }> = [
  { value: 'pci', label: 'PCI File Manager', description: 'Its MongoDB database and the files in its R2 bucket, checked against each other.' },
  { value: 'sqlite', label: 'SQLite app', description: 'An app that keeps its data in one SQLite database file, with its content folders and log files.' },
  { value: 'custom', label: 'Custom', description: 'Folders, database files and log files you choose.' },
];

export function PresetStep() {
  const preset = useConnect((s) => s.form.preset);
  const set = useConnect((s) => s.set);
  return (
    <Stack gap="md">
      <Text>Choose what this connection backs up. You can add more connections later, one per application.</Text>
      <Radio.Group label="What do you want to keep safe?" value={preset} onChange={(v) => set({ preset: v as Preset, ...(v === 'pci' ? { name: 'PCI File Manager' } : { name: v === 'sqlite' ? 'SQLite app' : 'My files' }) })}>
        <Stack gap="sm" mt="xs">
          {CHOICES.map((c) => (
            <Radio key={c.value} value={c.value} label={c.label} description={c.description} />
          ))}
        </Stack>
      </Radio.Group>
    </Stack>
  );
}
