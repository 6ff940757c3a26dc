// Step 3: the preview — what the restore will change, in plain words and numbers, before anything
// changes. Deleting files that are newer than the restore point needs its own checkbox.
import { Alert, Checkbox, Group, List, Loader, ScrollArea, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect } from 'react';
import { formatBytes, formatDateTime } from '../../../shared/format';
import type { RestorePlan } from '../../../shared/contract';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { scopeOf, typedPassphrase, useRestore } from './state';
import { ACTION, REASON, n, plural } from './words';

/** A fingerprint of what the preview depends on. */
export function planKeyOf(): string {
  const s = useRestore.getState();
  return JSON.stringify([s.profile, s.snapshotId, scopeOf(s)]);
}

function Database({ db }: { db: NonNullable<RestorePlan['database']> }) {
  return (
    <Stack gap="xs" data-testid="plan-database">
      <Title order={3} size="h4">
        Database “{db.name}”
      </Title>
      <Table striped withTableBorder aria-label="Collections">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Collection</Table.Th>
            <Table.Th ta="right">Documents now</Table.Th>
            <Table.Th ta="right">In the restore point</Table.Th>
            <Table.Th>What happens</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {db.collections.map((c) => (
            <Table.Tr key={c.name}>
              <Table.Td fw={600}>{c.name}</Table.Td>
              <Table.Td ta="right">{c.kind === 'view' ? '—' : c.docsNow === null ? 'missing' : n(c.docsNow)}</Table.Td>
              <Table.Td ta="right">{c.kind === 'view' ? '—' : n(c.docsInSnapshot)}</Table.Td>
              <Table.Td c={c.action === 'create' ? 'orange' : c.action === 'skip' ? 'dimmed' : undefined}>{c.action === 'skip' ? (c.note ?? ACTION.skip) : c.note ? `${ACTION[c.action]}. ${c.note}` : ACTION[c.action]}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {db.kept.length > 0 ? (
        <Text c="dimmed">
          Not in the restore point, kept as they are: {db.kept.map((k) => `${k.name} (${plural(k.docs, 'document')})`).join(', ')}.
        </Text>
      ) : null}
    </Stack>
  );
}

function Bucket({ b }: { b: NonNullable<RestorePlan['bucket']> }) {
  const s = useRestore();
  return (
    <Stack gap="xs" data-testid="plan-bucket">
      <Title order={3} size="h4">
        Files in R2 (“{b.name}”)
      </Title>
      <Text size="lg" data-testid="plan-put">
        {b.put.count === 0 ? 'No file needs to be put back.' : `${plural(b.put.count, 'file')} (${formatBytes(b.put.bytes)}) will be put back: ${n(b.missing)} missing now, ${n(b.changed)} changed since.`}
      </Text>
      {b.put.count > 0 ? (
        <ScrollArea.Autosize mah={220} type="auto" viewportProps={{ tabIndex: 0, 'aria-label': 'Files to put back (scrolls)', role: 'region' }}>
          <Table withTableBorder aria-label="Files to put back">
            <Table.Tbody>
              {b.put.items.map((p) => (
                <Table.Tr key={p.key}>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{p.key}</Table.Td>
                  <Table.Td ta="right" w={110}>
                    {formatBytes(p.size)}
                  </Table.Td>
                  <Table.Td w={190}>{REASON[p.reason]}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
      ) : null}
      {b.put.truncated ? <Text c="dimmed">Only the first {n(b.put.items.length)} are listed.</Text> : null}
      <Text c="dimmed">{plural(b.unchanged.count, 'file')} ({formatBytes(b.unchanged.bytes)}) are the same as in the restore point and are left as they are.</Text>
      {b.extra.count > 0 ? (
        <Alert color="yellow" title={`${plural(b.extra.count, 'file')} exist now that are not in the restore point`} data-testid="plan-extra">
          <Stack gap="xs">
            <Text>They were probably added after it ({formatBytes(b.extra.bytes)} in all). They are kept unless you tick the box below.</Text>
            <ScrollArea.Autosize mah={160} type="auto" viewportProps={{ tabIndex: 0, 'aria-label': 'Files not in the restore point (scrolls)', role: 'region' }}>
              <List size="sm" aria-label="Files not in the restore point">
                {b.extra.items.map((e) => (
                  <List.Item key={e.key} style={{ wordBreak: 'break-all' }}>
                    {e.key} ({formatBytes(e.size)})
                  </List.Item>
                ))}
              </List>
            </ScrollArea.Autosize>
            {b.extra.truncated ? <Text size="sm">Only the first {n(b.extra.items.length)} are listed; the box below applies to all {n(b.extra.count)}.</Text> : null}
            <Checkbox
              color="red"
              checked={s.removeExtra}
              onChange={(e) => s.set({ removeExtra: e.currentTarget.checked })}
              label={`Also delete these ${plural(b.extra.count, 'file')} from R2`}
              description="Only if you are sure they should not be there. The safety backup keeps a copy."
            />
          </Stack>
        </Alert>
      ) : null}
    </Stack>
  );
}

export function PreviewStep() {
  const s = useRestore();
  const key = planKeyOf();
  const current = s.plan && s.planKey === key ? s.plan : null;

  useEffect(() => {
    const st = useRestore.getState();
    if ((st.plan && st.planKey === key) || !st.profile || !st.snapshotId) return;
    st.set({ plan: null, planError: null, removeExtra: false });
    let live = true;
    api.restore.plan({ profile: st.profile, snapshot: st.snapshotId, scope: scopeOf(st), ...typedPassphrase(st) }).then(
      (plan) => live && useRestore.getState().set({ plan, planKey: key }),
      (err: unknown) => live && useRestore.getState().set({ planError: errorData(err) }),
    );
    return () => {
      live = false;
    };
  }, [key]);

  if (s.planError) return <ErrorAlert error={s.planError} />;
  if (!current) {
    return (
      <Group gap="sm" role="status">
        <Loader size="sm" />
        <Text>Comparing the restore point with what exists now… (for a large bucket this can take a minute)</Text>
      </Group>
    );
  }
  const p = current;
  return (
    <Stack gap="lg">
      <Alert color="blue" title="Nothing has been changed yet">
        This is what the rollback to {formatDateTime(p.snapshot.createdAt)} will do. Check it, then continue.
      </Alert>
      {p.database ? <Database db={p.database} /> : null}
      {p.bucket ? <Bucket b={p.bucket} /> : null}
      {p.folders ? (
        <Stack gap="xs" data-testid="plan-folders">
          <Title order={3} size="h4">
            Settings folders
          </Title>
          {p.folders.items.map((f) => (
            <Text key={f.name}>{f.target ? `${plural(f.files, 'file')} (${formatBytes(f.bytes)}) of “${f.name}” will be written to ${f.target}.` : `“${f.name}” is not restored: there is no place to write it.`}</Text>
          ))}
        </Stack>
      ) : null}
      {p.warnings.length > 0 ? (
        <Alert color="orange" title="Please note">
          <List size="sm">
            {p.warnings.map((w) => (
              <List.Item key={w}>{w}</List.Item>
            ))}
          </List>
        </Alert>
      ) : null}
      <Text c="dimmed">Before anything changes, every part of the backup that is needed ({formatBytes(p.read.bytes)}) is read and checked. A damaged backup stops the rollback with nothing changed.</Text>
    </Stack>
  );
}
