// Step 5: the last look and a typed confirmation ("RESTORE"), so nothing is rolled back by a stray click.
import { Alert, List, Stack, Text, TextInput } from '@mantine/core';
import { formatDateTime } from '../../../shared/format';
import { RESTORE_CONFIRM_WORD, confirmWordTyped } from '../../../shared/contract';
import { useSafetySnapshot } from './SafetyStep';
import { useRestore } from './state';
import { plural } from './words';

export function ConfirmStep() {
  const s = useRestore();
  const saved = useSafetySnapshot();
  const p = s.plan!;
  const replaced = p.database?.collections.filter((c) => c.action !== 'skip').length ?? 0;
  return (
    <Stack gap="md">
      <Text size="lg">PCI File Manager will be put back to how it was on {formatDateTime(p.snapshot.createdAt)}:</Text>
      <List spacing="xs">
        {p.database ? <List.Item>{plural(replaced, 'collection')} of the database “{p.database.name}” put back as they were (what is in them now is replaced).</List.Item> : null}
        {p.bucket ? (
          <List.Item>
            {plural(p.bucket.put.count, 'file')} put back in R2
            {s.removeExtra && p.bucket.extra.count > 0 ? `, and ${plural(p.bucket.extra.count, 'file')} that are not in the restore point deleted` : p.bucket.extra.count > 0 ? `; ${plural(p.bucket.extra.count, 'newer file')} kept` : ''}.
          </List.Item>
        ) : null}
        {p.folders ? <List.Item>{plural(p.folders.files, 'settings file')} written back.</List.Item> : null}
      </List>
      {saved ? (
        <Text>What exists now is saved as the restore point of {formatDateTime(saved.createdAt)}.</Text>
      ) : (
        <Alert color="red" title="No safety backup">
          This rollback cannot be undone.
        </Alert>
      )}
      <Alert color="orange" title="Stop PCI File Manager first">
        So that nobody uploads or changes files while the rollback runs. Start it again when the rollback has finished.
      </Alert>
      <TextInput
        label={`Type ${RESTORE_CONFIRM_WORD} to confirm`}
        description={`Until ${RESTORE_CONFIRM_WORD} is typed here, “Roll back now” stays grey and nothing changes.`}
        error={s.confirmText.trim() && !confirmWordTyped(s.confirmText) && !RESTORE_CONFIRM_WORD.startsWith(s.confirmText.trim().toUpperCase()) ? `That is not the word ${RESTORE_CONFIRM_WORD}: type it exactly, letter by letter.` : undefined}
        value={s.confirmText}
        onChange={(e) => s.set({ confirmText: e.currentTarget.value })}
        autoComplete="off"
        maw={320}
        size="md"
      />
    </Stack>
  );
}
