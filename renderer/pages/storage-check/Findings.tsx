// The result of a storage check: a summary in plain words, the four lists, and the CSV download.
import { Alert, Button, Card, Group, SimpleGrid, Stack, Table, Tabs, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconDownload, IconRestore } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import type { ConsistencyResult, FilesInBackups } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';
import { formatBytes, formatDateTime } from '../../../shared/format';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PassphraseAsk } from '../../components/PassphraseAsk';
import { PROBLEMS_TEXT } from '../../components/StatusBadge';

type Column<T> = { title: string; value: (item: T) => string };
const size = (n: number | null) => (n === null ? '—' : formatBytes(n));

function ListTable<T>({ label, items, columns, total }: { label: string; items: T[]; columns: Column<T>[]; total: number }) {
  return (
    <>
      <Table striped aria-label={label} mt="sm">
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c.title}>{c.title}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item, i) => (
            <Table.Tr key={i}>
              {columns.map((c) => (
                // Long keys wrap at their slashes and dashes where they can, mid-word only when they must.
                <Table.Td key={c.title} style={{ overflowWrap: 'anywhere' }}>
                  {c.value(item)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {total > items.length ? <Text c="dimmed" mt="xs">{`…and ${total - items.length} more in the CSV file.`}</Text> : null}
    </>
  );
}

function Stat({ label, count, extra, bad }: { label: string; count: number; extra?: string; bad: boolean }) {
  return (
    <Card withBorder padding="md" radius="md">
      <Text size="xl" fw={700} c={count > 0 && bad ? 'red' : undefined}>
        {count.toLocaleString()}
      </Text>
      <Text>{label}</Text>
      {extra ? <Text c="dimmed" size="sm">{extra}</Text> : null}
    </Card>
  );
}

/** Advice under each list: what it means and what to do (nothing was changed by the check). */
const ADVICE: Record<string, string> = {
  missing: 'PCI File Manager lists these files, but R2 does not have them. Put them back from a restore point that holds them (see above).',
  size: 'R2 has these files, but not with the size PCI File Manager recorded: they may be damaged or replaced. Compare them with a restore point, or ask whoever runs PCI File Manager.',
  orphans: 'Files in R2 that no record points to: nobody can open them in PCI File Manager. Usually left by interrupted uploads; they only take space. Ask whoever runs PCI File Manager before deleting any.',
  deleted: 'Files of records marked as deleted that are still in R2: PCI File Manager did not remove them. They only take space; they can be removed when nobody needs to undelete them.',
};

/** Which restore points still hold the missing files, with a button that puts exactly those back. */
function MissingInBackups({ profile, keys, total }: { profile: string; keys: string[]; total: number }) {
  const navigate = useNavigate();
  const [result, setResult] = useState<FilesInBackups | null>(null);
  const [error, setError] = useState<UserErrorData | null>(null);
  const [passphrase, setPassphrase] = useState<string | undefined>(undefined);
  const wanted = keys.slice(0, 200);
  const key = wanted.join('\n');
  useEffect(() => {
    let live = true;
    api.check.inBackups({ profile, keys: wanted, passphrase }).then(
      (r) => live && (setResult(r), setError(null)),
      (err: unknown) => live && setError(errorData(err)),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the keys' text stands for the list
  }, [profile, key, passphrase]);
  if (error && (error.code === 'PASSPHRASE_REQUIRED' || error.code === 'WRONG_PASSPHRASE')) {
    return <PassphraseAsk profile={profile} wrong={error.code === 'WRONG_PASSPHRASE'} intro="To see which restore points hold the missing files, enter the passphrase of the backups." submitLabel="Look in the backups" onPassphrase={setPassphrase} />;
  }
  if (error) return <ErrorAlert error={error} title="The backups could not be searched" />;
  if (!result) return <Text c="dimmed">Looking for the missing files in the restore points…</Text>;
  const newest = result.found[0];
  return (
    <Stack gap="xs" data-testid="missing-in-backups">
      {result.found.map((f) => (
        <Group key={f.snapshotId} gap="sm">
          <Text>
            {f.keys.length === wanted.length ? (wanted.length === 1 ? 'The missing file is' : `All ${wanted.length.toLocaleString()} missing files are`) : `${f.keys.length.toLocaleString()} of the missing files are`} in the restore point of {formatDateTime(f.createdAt)}.
          </Text>
          <Button size="compact-sm" leftSection={<IconRestore size={16} />} onClick={() => void navigate(`/restore?snapshot=${f.snapshotId}&profile=${encodeURIComponent(profile)}&files=${encodeURIComponent(f.keys.join('\n'))}`)}>
            {f === newest && result.found.length === 1 ? 'Restore these files…' : `Restore these ${f.keys.length.toLocaleString()}…`}
          </Button>
        </Group>
      ))}
      {result.checked === 0 ? <Text c={PROBLEMS_TEXT}>There is no backup of this connection yet, so the missing files cannot be put back from one. Ask whoever runs PCI File Manager.</Text> : null}
      {result.notFound.length > 0 && result.checked > 0 ? (
        <Text c={PROBLEMS_TEXT}>
          {result.notFound.length.toLocaleString()} {result.notFound.length === 1 ? 'is' : 'are'} in none of the {result.checked} newest restore points: {result.notFound.length === 1 ? 'it was' : 'they were'} probably lost before those backups. Ask whoever runs PCI File Manager.
        </Text>
      ) : null}
      {total > wanted.length ? <Text c="dimmed">Only the first {wanted.length} missing files were looked for; the CSV file lists all.</Text> : null}
    </Stack>
  );
}

async function download(jobId: string): Promise<void> {
  const { fileName, csv } = await api.check.csv({ id: jobId });
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: fileName });
  a.click();
  URL.revokeObjectURL(url);
}

export function Findings({ result, jobId, at, profile }: { result: ConsistencyResult; jobId: string; at: string | null; profile: string }) {
  const [error, setError] = useState<UserErrorData | null>(null);
  const lists = [
    { id: 'missing', label: 'Missing files', list: result.missing, columns: [{ title: 'File key', value: (i: ConsistencyResult['missing']['items'][number]) => i.key }, { title: 'Record', value: (i: ConsistencyResult['missing']['items'][number]) => i.recordId }, { title: 'Size in the record', value: (i: ConsistencyResult['missing']['items'][number]) => size(i.recordSize) }] },
    { id: 'size', label: 'Size differs', list: result.sizeMismatches, columns: [{ title: 'File key', value: (i: ConsistencyResult['sizeMismatches']['items'][number]) => i.key }, { title: 'Size in the record', value: (i: ConsistencyResult['sizeMismatches']['items'][number]) => size(i.recordSize) }, { title: 'Size in R2', value: (i: ConsistencyResult['sizeMismatches']['items'][number]) => size(i.objectSize) }] },
    { id: 'orphans', label: 'Files without a record', list: result.orphans, columns: [{ title: 'File key', value: (i: ConsistencyResult['orphans']['items'][number]) => i.key }, { title: 'Size', value: (i: ConsistencyResult['orphans']['items'][number]) => size(i.size) }] },
    { id: 'deleted', label: 'Leftovers of deleted files', list: result.deletedWithObject, columns: [{ title: 'File key', value: (i: ConsistencyResult['deletedWithObject']['items'][number]) => i.key }, { title: 'Record', value: (i: ConsistencyResult['deletedWithObject']['items'][number]) => i.recordId }, { title: 'Size', value: (i: ConsistencyResult['deletedWithObject']['items'][number]) => size(i.size) }] },
  ].filter((l) => l.list.count > 0);
  return (
    <>
      {result.ok ? (
        <Alert color="green" variant="light" icon={<IconCircleCheck />} title="No file is missing" role="status" data-testid="check-ok">
          Every file record that is in use points to a file in R2{result.sizeField ? ' of the right size' : ''}.
          {result.problems > 0 ? ' Some files take space without being used; they are listed below.' : ''}
        </Alert>
      ) : (
        <Alert color="red" variant="light" icon={<IconAlertTriangle />} title={`${(result.missing.count + result.sizeMismatches.count).toLocaleString()} files are missing or incomplete in R2`} role="alert" data-testid="check-problems">
          PCI File Manager lists these files, but R2 does not have them (or has a different size). Nothing was changed or deleted by this check.
        </Alert>
      )}
      {result.missing.count > 0 ? <MissingInBackups profile={profile} keys={result.missing.items.map((i) => i.key)} total={result.missing.count} /> : null}
      <Text c="dimmed">
        {`Checked ${formatDateTime(at)}: ${result.records.toLocaleString()} file records in ${result.database}.${result.collection} and ${result.objects.toLocaleString()} files (${formatBytes(result.objectBytes)}) in ${result.bucket}.`}
        {result.recordsWithoutKey ? ` ${result.recordsWithoutKey} records have no file key.` : ''}
      </Text>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Stat label="Missing files" count={result.missing.count} bad />
        <Stat label="Size differs" count={result.sizeMismatches.count} bad />
        <Stat label="Files without a record" count={result.orphans.count} extra={formatBytes(result.orphans.bytes)} bad={false} />
        <Stat label="Leftovers of deleted files" count={result.deletedWithObject.count} extra={formatBytes(result.deletedWithObject.bytes)} bad={false} />
      </SimpleGrid>
      {lists.length > 0 ? (
        <Tabs defaultValue={lists[0].id}>
          <Tabs.List>
            {lists.map((l) => (
              <Tabs.Tab key={l.id} value={l.id}>{`${l.label} (${l.list.count.toLocaleString()})`}</Tabs.Tab>
            ))}
          </Tabs.List>
          {lists.map((l) => (
            <Tabs.Panel key={l.id} value={l.id}>
              <Text mt="sm">{ADVICE[l.id]}</Text>
              <ListTable label={l.label} items={l.list.items as never[]} columns={l.columns as Column<never>[]} total={l.list.count} />
            </Tabs.Panel>
          ))}
        </Tabs>
      ) : null}
      {result.csvFile && result.problems > 0 ? (
        <Group>
          <Button variant="default" leftSection={<IconDownload size={18} />} onClick={() => download(jobId).catch((err: unknown) => setError(errorData(err)))}>
            Download the full list (CSV)
          </Button>
        </Group>
      ) : null}
      {error ? <ErrorAlert error={error} /> : null}
    </>
  );
}
