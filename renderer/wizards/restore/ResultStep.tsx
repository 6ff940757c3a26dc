// Step 7: the result — what was restored and what was not, proven by the check afterwards, and what
// to do next (start PCI File Manager again; undo with the safety backup if something is wrong).
import { Alert, Button, List, Stack, Table, Text, Title } from '@mantine/core';
import { useNavigate } from 'react-router';
import { formatBytes, formatDateTime } from '../../../shared/format';
import { countMatches, type RestoreSummary } from '../../../shared/contract';
import { summaryOf } from '../../../shared/api/job-summaries';
import type { Job } from '../../../shared/jobs';
import { ErrorAlert } from '../../components/ErrorAlert';
import { n, plural } from './words';

function changedAnything(s: RestoreSummary): boolean {
  return s.database.restored.length > 0 || s.database.views.length > 0 || s.bucket.put > 0 || s.bucket.removed > 0 || s.folders.written > 0;
}

function Proof({ s }: { s: RestoreSummary }) {
  const v = s.verification;
  if (!v) return null;
  return (
    <Stack gap="xs" data-testid="result-proof">
      <Title order={3} size="h4">
        Checked afterwards, on the live servers
      </Title>
      {v.collections.length > 0 ? (
        <Table withTableBorder striped aria-label="Collections checked">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Collection</Table.Th>
              <Table.Th ta="right">Documents</Table.Th>
              <Table.Th>Compared</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {v.collections.map((c) => (
              <Table.Tr key={c.name}>
                <Table.Td fw={600}>{c.name}</Table.Td>
                <Table.Td ta="right" c={countMatches(c) ? undefined : 'red'}>
                  {n(c.found)} of {n(c.expected)}
                  {countMatches(c) && c.found !== c.expected ? ` (${n(c.expected - (c.found ?? 0))} past their expiry time, deleted by MongoDB)` : ''}
                </Table.Td>
                <Table.Td c={c.sampleOk && c.indexesOk ? 'green' : 'red'}>
                  {c.sampleOk ? `${plural(c.sampled, 'document')} byte for byte` : 'Documents differ'}
                  {c.indexesOk ? ', indexes match' : ', indexes differ'}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {s.plan.bucket ? (
        <Text>
          Files in R2: {n(v.objects.present)} of {n(v.objects.expected)} present with the right size; {plural(v.objects.sampled, 'file')} downloaded and compared with the backup
          {v.objects.problems.length === 0 ? ': identical.' : '.'}
        </Text>
      ) : null}
      {v.files.expected > 0 ? <Text>Settings files: {n(v.files.present)} of {n(v.files.expected)} written correctly.</Text> : null}
      {[...v.objects.problems, ...v.files.problems].length > 0 ? (
        <List size="sm" c="red">
          {[...v.objects.problems, ...v.files.problems].slice(0, 20).map((p) => (
            <List.Item key={p.name}>
              {p.name} {p.message}
            </List.Item>
          ))}
        </List>
      ) : null}
    </Stack>
  );
}

function Failures({ s }: { s: RestoreSummary }) {
  const all = [...s.database.failed, ...s.bucket.failed, ...s.bucket.removeFailed, ...s.folders.failed];
  if (all.length === 0 && s.database.notRestored.length === 0 && s.bucket.notDone === 0) return null;
  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        Not restored
      </Title>
      <List size="sm">
        {s.database.notRestored.length > 0 ? <List.Item>Collections left as they were: {s.database.notRestored.join(', ')}</List.Item> : null}
        {s.bucket.notDone > 0 ? <List.Item>{plural(s.bucket.notDone, 'file')} not put back in R2</List.Item> : null}
        {all.slice(0, 20).map((f) => (
          <List.Item key={f.name}>
            {f.name}: {f.message}
          </List.Item>
        ))}
      </List>
    </Stack>
  );
}

export function ResultStep({ job, onAgain }: { job: Job; onAgain: () => void }) {
  const navigate = useNavigate();
  const s = summaryOf(job, 'restore');
  const when = s ? formatDateTime(s.plan.snapshot.createdAt) : '';
  const undo = s?.safetySnapshot ? (
    <Button variant="default" w="fit-content" onClick={() => void navigate(`/restore?snapshot=${s.safetySnapshot!.id}`)}>
      Undo this rollback (go back to {formatDateTime(s.safetySnapshot.createdAt)})
    </Button>
  ) : null;
  return (
    <Stack gap="lg">
      {job.status === 'succeeded' && s ? (
        <Alert color="green" title={`PCI File Manager is back to ${when}`} role="status" data-testid="result-ok">
          {s.database.restored.length > 0 ? `${plural(s.database.restored.length, 'collection')} restored (${plural(s.database.restored.reduce((a, r) => a + r.docs, 0), 'document')})${s.database.views.length > 0 ? `, ${plural(s.database.views.length, 'view')} recreated` : ''}. ` : ''}
          {s.plan.bucket ? `${plural(s.bucket.put, 'file')} put back (${formatBytes(s.bucket.putBytes)})${s.removeExtra ? `, ${n(s.bucket.removed)} removed` : ''}. ` : ''}
          {s.plan.folders ? `${plural(s.folders.written, 'settings file')} written. ` : ''}
          Everything was checked and matches the restore point.
        </Alert>
      ) : null}
      {job.status === 'canceled' ? (
        <Alert color="gray" title="Rollback cancelled" role="status">
          {s && changedAnything(s)
            ? 'Part of the rollback was done before it stopped (listed below). Every collection is either as it was or fully restored; each file is whole. Run the rollback again to finish it.'
            : 'Nothing was changed.'}
        </Alert>
      ) : null}
      {job.status === 'failed' && job.error ? (
        <ErrorAlert error={job.error} title={s && changedAnything(s) ? 'Rollback not complete' : 'Rollback did not start'} />
      ) : null}
      {s && job.status !== 'succeeded' && !changedAnything(s) && job.status === 'failed' ? <Text>Nothing was changed: your data is exactly as it was.</Text> : null}
      {(s?.notes ?? []).map((note) => (
        <Text key={note}>{note}</Text>
      ))}
      {s ? <Proof s={s} /> : null}
      {s && job.status !== 'succeeded' ? <Failures s={s} /> : null}
      <Stack gap="xs">
        <Title order={3} size="h4">
          What to do next
        </Title>
        <List type="ordered" spacing="xs">
          {job.status === 'succeeded' ? (
            <>
              <List.Item>Start PCI File Manager again.</List.Item>
              <List.Item>Open it and check a few files and users.</List.Item>
              <List.Item>If something is still wrong, undo this rollback with the safety backup, or choose another restore point.</List.Item>
            </>
          ) : (
            <>
              <List.Item>Read the message above: it says what went wrong and what to do.</List.Item>
              <List.Item>Run the rollback again. It only puts back what is still different.</List.Item>
              <List.Item>Keep PCI File Manager stopped until the rollback has finished.</List.Item>
            </>
          )}
        </List>
      </Stack>
      {job.status !== 'succeeded' ? (
        <Button w="fit-content" onClick={onAgain}>
          Run the rollback again
        </Button>
      ) : null}
      {undo}
    </Stack>
  );
}
