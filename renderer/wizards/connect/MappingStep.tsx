// Step 3: which records in MongoDB point at which files in the bucket (found automatically, then
// confirmed or corrected). Needed to check that every file record has its file.
import { Alert, Button, Group, Loader, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useEffect } from 'react';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { r2Settings, testKey, useConnect } from './state';

function mappingKey(): string {
  const f = useConnect.getState().form;
  return testKey(f.mongoUri, f.database, r2Settings(f), f.secretAccessKey);
}

async function detect(): Promise<void> {
  const { form, patch, set } = useConnect.getState();
  const key = mappingKey();
  patch({ mappingError: null, detecting: true });
  try {
    const proposal = await api.connections.detectMapping({
      mongo: { uri: form.mongoUri.trim() || undefined, database: form.database.trim(), profile: form.editing ?? undefined },
      r2: r2Settings(form),
      secretAccessKey: form.secretAccessKey.trim() || undefined,
      profile: form.editing ?? undefined,
    });
    patch({ mapping: { key, proposal } });
    const best = proposal.best;
    if (best) set({ records: { collection: best.collection, keyField: best.keyField, sizeField: best.sizeField ?? '', deletedField: best.deletedField ?? '' } });
  } catch (err) {
    patch({ mappingError: errorData(err), mapping: { key, proposal: { best: null, candidates: [], sampledKeys: 0, collections: [] } } });
  } finally {
    patch({ detecting: false });
  }
}

export function MappingStep() {
  const form = useConnect((s) => s.form);
  const set = useConnect((s) => s.set);
  const mapping = useConnect((s) => s.mapping);
  const error = useConnect((s) => s.mappingError);
  const busy = useConnect((s) => s.detecting);
  const records = form.records;
  const setRecords = (patch: Partial<typeof records>) => set({ records: { ...records, ...patch } });

  const run = () => void detect();
  // Look as soon as the step opens (once per set of connection values).
  useEffect(() => {
    if (useConnect.getState().mapping?.key !== mappingKey()) void detect();
  }, []);

  const best = mapping?.proposal.best;
  return (
    <Stack gap="md">
      <Text>PCI File Manager keeps one record per file in MongoDB. PCI Maintenance looks for the field that holds each file's name in the bucket, so it can check that no file and no record goes missing.</Text>
      {busy ? (
        <Group gap="sm" role="status">
          <Loader size="sm" />
          <Text>Looking at the records and the files…</Text>
        </Group>
      ) : null}
      {error ? <ErrorAlert error={error} /> : null}
      {!busy && mapping && best ? (
        <Alert color="green" title="File records found" role="status">
          The field “{best.keyField}” of the collection “{best.collection}” names the files: {best.matched} of {best.sampled} records looked at match a file in the bucket.
          {best.sizeField ? ` The file size is in “${best.sizeField}”.` : ''}
          {best.deletedField ? ` Deleted records are marked in “${best.deletedField}”.` : ''} Check the fields below, then continue.
        </Alert>
      ) : null}
      {!busy && mapping && !best && !error ? (
        <Alert color="orange" title="Not found automatically" role="status">
          No field of the {mapping.proposal.collections.length} collections matched the names of the files in the bucket. Enter the collection and field yourself, or leave them empty to skip the file checks.
        </Alert>
      ) : null}
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label="Collection of file records" description="The part of the database with one record per file (like a table)." value={records.collection} onChange={(e) => setRecords({ collection: e.currentTarget.value })} autoComplete="off" spellCheck={false} />
        <TextInput label="Field with the file's name in the bucket" description="In each file record, the entry that holds the file's name in R2, e.g. storageKey." value={records.keyField} onChange={(e) => setRecords({ keyField: e.currentTarget.value })} autoComplete="off" spellCheck={false} />
        <TextInput label="Field with the file size (optional)" description="The entry with the file's size in bytes, so a cut-off file is noticed." value={records.sizeField} onChange={(e) => setRecords({ sizeField: e.currentTarget.value })} autoComplete="off" spellCheck={false} />
        <TextInput label="Field that marks deleted records (optional)" description="An entry set on records of deleted files, e.g. deletedAt: those files are not expected in R2." value={records.deletedField} onChange={(e) => setRecords({ deletedField: e.currentTarget.value })} autoComplete="off" spellCheck={false} />
      </SimpleGrid>
      <Button variant="light" w="fit-content" leftSection={<IconSearch size={16} />} onClick={run} loading={busy}>
        Find again
      </Button>
    </Stack>
  );
}
