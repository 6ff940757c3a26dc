// Step 2: what to restore. Everything is the usual answer after a bad upgrade; the other choices
// restore one part (the database, the files in R2, the settings folders) or a hand-picked selection.
import { Checkbox, Group, Loader, Radio, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useEffect, useState } from 'react';
import { formatBytes } from '../../../shared/format';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { typedPassphrase, useRestore, type ScopeKind } from './state';
import { n, plural } from './words';
import type { UserErrorData } from '../../../shared/errors';

export function ScopeStep() {
  const s = useRestore();
  const [error, setError] = useState<UserErrorData | null>(null);
  const c = s.contents;

  useEffect(() => {
    const { profile, snapshotId, contents } = useRestore.getState();
    if (!profile || !snapshotId || contents?.snapshotId === snapshotId) return;
    api.restore.contents({ profile, snapshot: snapshotId, ...typedPassphrase(useRestore.getState()) }).then(
      (got) => useRestore.getState().set({ contents: got }),
      (err: unknown) => setError(errorData(err)),
    );
  }, [s.snapshotId]);

  if (error) return <ErrorAlert error={error} />;
  if (!c) {
    return (
      <Group gap="sm" role="status">
        <Loader size="sm" />
        <Text>Reading what the restore point holds…</Text>
      </Group>
    );
  }
  const docs = c.collections.reduce((a, x) => a + x.docs, 0);
  const folderFiles = c.folders.reduce((a, f) => a + f.files, 0);
  const option = (value: ScopeKind, label: string, description: string, disabled = false) => (
    <Radio value={value} label={label} description={description} disabled={disabled} />
  );
  const showTarget = s.scopeKind === 'everything' || s.scopeKind === 'folders' || (s.scopeKind === 'custom' && s.folders);
  return (
    <Stack gap="md">
      <Radio.Group value={s.scopeKind} onChange={(v) => s.set({ scopeKind: v as ScopeKind })} label="What should be put back?" aria-label="What to restore">
        <Stack gap="sm" mt="xs">
          {option('everything', 'Everything (recommended after a bad update)', `The database (${plural(c.collections.filter((x) => x.kind !== 'view').length, 'collection')}${c.collections.some((x) => x.kind === 'view') ? ` and ${plural(c.collections.filter((x) => x.kind === 'view').length, 'view')}` : ''}, ${plural(docs, 'document')}), ${plural(c.objects.count, 'file')} in R2 (${formatBytes(c.objects.bytes)})${c.folders.length ? ` and ${plural(c.folders.length, 'settings folder')}` : ''}.`)}
          {option('database', 'Only the database', 'File records, users and settings in MongoDB. The files in R2 stay as they are.', c.collections.length === 0)}
          {option('bucket', 'Only the files in R2', 'Files that are missing or changed are put back. The database stays as it is.', c.objects.count === 0)}
          {option('folders', 'Only the settings folders', `${plural(folderFiles, 'file')} in ${plural(c.folders.length, 'folder')}.`, c.folders.length === 0)}
          {option('custom', 'Let me choose', 'Pick collections, files by folder, or the settings folders.')}
        </Stack>
      </Radio.Group>
      {s.scopeKind === 'custom' ? (
        <Stack gap="sm" pl="xl">
          <Checkbox.Group value={s.collections} onChange={(v) => s.set({ collections: v })} label="Collections of the database">
            <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs">
              {c.collections.map((x) => (
                <Checkbox key={x.name} value={x.name} label={`${x.name} (${x.kind === 'view' ? 'view' : `${n(x.docs)} documents`})`} />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <Checkbox checked={s.bucket} onChange={(e) => s.set({ bucket: e.currentTarget.checked })} label={`Files in R2 (${plural(c.objects.count, 'file')})`} disabled={c.objects.count === 0} />
          {s.bucket ? (
            <Textarea
              label="Only files whose name starts with"
              description={`One per line; empty means all files. Largest folders: ${c.objects.topPrefixes.slice(0, 4).map((p) => p.prefix || '(top level)').join(', ')}`}
              value={s.prefixes}
              onChange={(e) => s.set({ prefixes: e.currentTarget.value })}
              autosize
              minRows={2}
              maw={520}
            />
          ) : null}
          <Checkbox checked={s.folders} onChange={(e) => s.set({ folders: e.currentTarget.checked })} label={`Settings folders (${c.folders.map((f) => f.name).join(', ') || 'none in this restore point'})`} disabled={c.folders.length === 0} />
        </Stack>
      ) : null}
      {showTarget && c.folders.length > 0 ? (
        <TextInput
          label="Write the settings folders to"
          description="Leave empty to put them back where they were. A folder here gets one sub-folder per settings folder."
          placeholder="Their original place"
          value={s.folderTarget}
          onChange={(e) => s.set({ folderTarget: e.currentTarget.value })}
          maw={520}
        />
      ) : null}
    </Stack>
  );
}
