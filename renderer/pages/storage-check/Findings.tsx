// The result of a storage check: a summary in plain words, the four lists, and the CSV download.
import { Alert, Button, Card, Group, SimpleGrid, Table, Tabs, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconDownload } from '@tabler/icons-react';
import { useState } from 'react';
import type { ConsistencyResult } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';
import { formatBytes, formatDateTime } from '../../../shared/format';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';

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
                <Table.Td key={c.title} style={{ wordBreak: 'break-all' }}>
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

async function download(jobId: string): Promise<void> {
  const { fileName, csv } = await api.check.csv({ id: jobId });
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: fileName });
  a.click();
  URL.revokeObjectURL(url);
}

export function Findings({ result, jobId, at }: { result: ConsistencyResult; jobId: string; at: string | null }) {
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
          PCI File Manager lists these files, but R2 does not have them (or has a different size). Restore them from a backup, or ask whoever runs PCI File Manager. Nothing was changed or deleted by this check.
        </Alert>
      )}
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
