// Step 1: which backup to check, and how thoroughly.
import { Badge, Checkbox, Group, NumberInput, Radio, Select, Stack, Text } from '@mantine/core';
import { VERIFY_DEPTHS, type VerifyTarget } from '../../../shared/contract';
import { formatBytes } from '../../../shared/format';
import { useProfiles } from '../../stores/profiles';
import { useVerify } from './state';
import { tagLabel } from '../../pages/restore-points/words';
import { backupWhen, DEPTH_HELP, DEPTH_LABEL } from './words';

function verifiedBadge(t: VerifyTarget) {
  if (!t.verification) return <Badge color="gray" variant="light">Not verified yet</Badge>;
  const when = backupWhen(t.verification.verifiedAt);
  return t.verification.ok ? <Badge color="green" variant="light">{`${DEPTH_LABEL[t.verification.depth]} passed ${when}`}</Badge> : <Badge color="red" variant="light">{`Problems found ${when}`}</Badge>;
}

export function targetLabel(t: VerifyTarget): string {
  const tags = t.tags.filter((tag) => tag !== 'manual');
  return `${backupWhen(t.createdAt)} · ${formatBytes(t.bytes)}${tags.length ? ` · ${tags.map(tagLabel).join(', ')}` : ''}`;
}

export function ChooseStep() {
  const profiles = useProfiles((s) => s.profiles) ?? [];
  const state = useVerify();
  const targets = state.targets?.snapshots ?? [];
  const chosen = state.snapshot === 'latest' ? targets[0] : targets.find((t) => t.id === state.snapshot);
  return (
    <Stack gap="lg">
      {profiles.length > 1 ? (
        <Select
          label="PCI File Manager installation"
          data={profiles.map((p) => p.profile.name)}
          value={state.profile}
          onChange={(v) => v && void state.load(v)}
          allowDeselect={false}
        />
      ) : null}
      <Select
        label="Backup to check"
        description={`${targets.length} ${targets.length === 1 ? 'backup' : 'backups'} in ${state.targets?.location ?? 'the backup location'}`}
        data={targets.map((t, i) => ({ value: i === 0 ? 'latest' : t.id, label: `${i === 0 ? 'Latest: ' : ''}${targetLabel(t)}` }))}
        value={state.snapshot}
        onChange={(v) => v && state.set({ snapshot: v, ...(v !== state.snapshot ? { testRestore: false } : {}) })}
        allowDeselect={false}
      />
      {chosen ? <Group gap="xs">{verifiedBadge(chosen)}</Group> : null}
      <Radio.Group label="How thoroughly" value={state.depth} onChange={(v) => state.set({ depth: v as typeof state.depth })}>
        <Stack gap="sm" mt="xs">
          {VERIFY_DEPTHS.map((d) => (
            <Radio key={d} value={d} label={DEPTH_LABEL[d]} description={DEPTH_HELP[d]} />
          ))}
        </Stack>
      </Radio.Group>
      {state.depth === 'sampled' ? (
        <NumberInput
          label="Part to read each time (percent)"
          min={1}
          max={100}
          value={state.samplePercent}
          onChange={(v) => state.set({ samplePercent: typeof v === 'number' ? v : 10 })}
          maw={260}
        />
      ) : null}
      <Checkbox
        label="Also restore the database into a temporary database, compare it, and remove it again"
        description={chosen?.hasDatabase === false ? 'This backup has no database part.' : 'Proves the database part can really be restored. Needs the MongoDB server to be running; your data is not touched.'}
        checked={state.testRestore}
        disabled={chosen?.hasDatabase === false}
        onChange={(e) => state.set({ testRestore: e.currentTarget.checked })}
      />
      {state.targets && state.targets.damaged.length > 0 ? (
        <Text c="red">
          {state.targets.damaged.length} restore {state.targets.damaged.length === 1 ? 'point cannot' : 'points cannot'} be read at all. Any check reports {state.targets.damaged.length === 1 ? 'it' : 'them'}.
        </Text>
      ) : null}
    </Stack>
  );
}
