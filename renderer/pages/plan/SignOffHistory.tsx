// The sign-offs of the plan's manual steps, newest first: who needs to know when something was last done.
import { Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { SignOffRecord } from '../../../shared/contract';
import { formatDateTime } from '../../../shared/format';
import { api } from '../../api';

export function SignOffHistory({ profile, version }: { profile: string; version: string }) {
  const [rows, setRows] = useState<SignOffRecord[] | null>(null);
  useEffect(() => {
    api.plan.signOffs({ profile, limit: 20 }).then(setRows, () => setRows([]));
  }, [profile, version]);
  return (
    <Stack gap="sm" component="section" aria-label="Steps signed off">
      <Title order={2}>Steps signed off</Title>
      {rows && rows.length === 0 ? <Text c="dimmed">No step has been signed off yet.</Text> : null}
      {rows && rows.length > 0 ? (
        <Table aria-label="Steps signed off" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="22%">When</Table.Th>
              <Table.Th w="34%">Step</Table.Th>
              <Table.Th>Note</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r, n) => (
              <Table.Tr key={`${r.at}-${n}`}>
                <Table.Td>{formatDateTime(r.at)}</Table.Td>
                <Table.Td>{r.title}</Table.Td>
                <Table.Td>{r.note || '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </Stack>
  );
}
