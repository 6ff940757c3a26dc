// The last step: in plain words, whether the backup can be trusted — or which problems were found and
// what to do about them.
import { Alert, List, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import { VerifyResult } from '../../../shared/contract';
import type { Job } from '../../../shared/jobs';
import { formatBytes, formatDuration } from '../../../shared/format';
import { adviceFor, PROBLEM_WORDS } from '../../../shared/verify-words';
import { ErrorAlert } from '../../components/ErrorAlert';
import { backupWhen } from './words';

const SHOWN = 50;

function whichBackup(r: VerifyResult): string {
  const named = r.snapshots.filter((s) => s.createdAt);
  if (named.length === 1) return `Your backup from ${backupWhen(named[0].createdAt)}`;
  return `Your ${r.snapshots.length} backups`;
}

/** What was checked, in one or two sentences; for a failed check it claims nothing about the rest. */
function checkedText(r: VerifyResult): string {
  const c = r.checked;
  const took = `It took ${formatDuration(r.durationMs / 1000)}.`;
  if (!r.ok) return `Checked ${c.entries.toLocaleString()} items (${c.blobs.toLocaleString()} pieces of data)${c.blobsRead > 0 ? `, ${formatBytes(c.bytesRead)} of them read` : ''}. ${took}`;
  const done = [];
  if (c.blobsRead > 0) done.push(`${formatBytes(c.bytesRead)} were read and checked against their fingerprints`);
  if (c.documents > 0) done.push(`${c.documents.toLocaleString()} database documents were read`);
  if (r.testRestore && c.restoredCollections > 0) done.push(`${c.restoredCollections} collections were restored as a test and matched`);
  const list = done.length > 1 ? `${done.slice(0, -1).join(', ')} and ${done[done.length - 1]}` : (done[0] ?? '');
  return `All ${c.entries.toLocaleString()} items are there.${list ? ` ${list.charAt(0).toUpperCase()}${list.slice(1)}.` : ''} ${took}`;
}

function okText(r: VerifyResult): string {
  const who = whichBackup(r);
  if (r.depth === 'full') return `${who} is complete and readable.`;
  if (r.depth === 'sampled') return `${who} is complete, and the part read this time (${r.samplePercent} %) is readable.`;
  return `${who} is complete: every piece of it is there.`;
}

export function ResultStep({ job }: { job: Job | null }) {
  if (!job) return null;
  if (job.status === 'canceled') {
    return (
      <Alert color="gray" title="Cancelled" role="status">
        The check was stopped before it finished, so nothing is marked as verified. Start it again when you are ready.
      </Alert>
    );
  }
  const parsed = VerifyResult.safeParse(job.summary);
  if (!parsed.success) return job.error ? <ErrorAlert error={job.error} /> : null;
  const r = parsed.data;
  if (r.ok) {
    return (
      <Stack gap="sm">
        <Alert color="green" variant="light" icon={<IconCircleCheck />} title="Backup verified" role="status" data-testid="verify-ok">
          <Text size="xl" fw={600}>
            {okText(r)}
          </Text>
          <Text mt="xs">{checkedText(r)}</Text>
          {(r.notes ?? []).map((note) => (
            <Text key={note} mt="xs">
              {note}
            </Text>
          ))}
          {r.depth === 'quick' ? <Text mt="xs">A quick check does not read the data itself. Run a full check now and then: it reads every byte.</Text> : null}
          {r.sample ? (
            <Text mt="xs">
              {r.sample.lastCompleteAt ? `All of the data has been read by sample checks, most recently completed ${backupWhen(r.sample.lastCompleteAt)}.` : `Sample checks have read ${r.sample.coveredPercent} % of the data so far; keep running them to cover all of it.`}
            </Text>
          ) : null}
        </Alert>
      </Stack>
    );
  }
  const codes = [...new Set(r.problems.map((p) => p.code))];
  return (
    <Stack gap="md">
      <Alert color="red" variant="light" icon={<IconAlertTriangle />} title="Problems found" role="alert" data-testid="verify-problems">
        <Text size="xl" fw={600}>
          {`We found ${r.problemCount === 1 ? 'a problem' : `${r.problemCount} problems`} in ${whichBackup(r).replace(/^Your/, 'your')}.`}
        </Text>
        <Text fw={600} mt="sm">
          What to do
        </Text>
        <List>
          {codes.map((c) => (
            <List.Item key={c}>{adviceFor(c)}</List.Item>
          ))}
        </List>
      </Alert>
      <Table striped aria-label="Problems found">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Problem</Table.Th>
            <Table.Th>Item</Table.Th>
            <Table.Th>Details</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {r.problems.slice(0, SHOWN).map((p, i) => (
            <Table.Tr key={i}>
              <Table.Td>{PROBLEM_WORDS[p.code]}</Table.Td>
              <Table.Td style={{ wordBreak: 'break-all' }}>{p.path ?? p.file ?? '—'}</Table.Td>
              <Table.Td>{p.message}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {r.problemCount > SHOWN ? <Text c="dimmed">…and {r.problemCount - SHOWN} more. The full list is in the History page and in "pci-maint verify --json".</Text> : null}
      <Text c="dimmed">{checkedText(r)}</Text>
    </Stack>
  );
}
