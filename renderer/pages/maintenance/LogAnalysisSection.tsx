// PCI File Manager's own logs: where they are (set per connection), errors and warnings per day as a
// chart, and the messages that repeat most — what a helper asks for first when something is wrong.
import { BarChart } from '@mantine/charts';
import '@mantine/charts/styles.css';
import { Badge, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { LogAnalysis } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';

export function LogAnalysisSection({ profile }: { profile: string }) {
  const [folder, setFolder] = useState('');
  const [savedFolder, setSavedFolder] = useState<string | null>(null);
  const [analysis, setAnalysis] = useState<LogAnalysis | null>(null);
  const [error, setError] = useState<UserErrorData | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.maintenance.overview({}).then(
      (o) => {
        const f = o.settings.logFolders[profile] ?? '';
        setFolder(f);
        setSavedFolder(f);
      },
      (err: unknown) => setError(errorData(err)),
    );
  }, [profile]);

  const analyze = async () => {
    setBusy(true);
    setError(null);
    try {
      if (folder !== savedFolder) {
        const o = await api.maintenance.overview({});
        const logFolders = { ...o.settings.logFolders };
        if (folder.trim()) logFolders[profile] = folder.trim();
        else delete logFolders[profile];
        await api.maintenance.setSettings({ logFolders });
        setSavedFolder(folder);
      }
      setAnalysis(folder.trim() ? await api.maintenance.analyzeLogs({ profile, days: 30 }) : null);
    } catch (err) {
      setError(errorData(err));
    } finally {
      setBusy(false);
    }
  };

  const data = analysis?.days.map((d) => ({ date: d.date.slice(5), Errors: d.errors, Warnings: d.warnings })) ?? [];
  return (
    <Stack gap="md" component="section" aria-label="PCI File Manager logs">
      <Title order={2}>PCI File Manager's logs</Title>
      <Card withBorder p="lg">
        <Stack gap="md">
          <Group align="flex-end">
            <TextInput label="Log folder of PCI File Manager" description="Included, summarised, in support bundles." placeholder="/var/log/pci-file-manager" value={folder} onChange={(e) => setFolder(e.currentTarget.value)} w={460} />
            <Button onClick={() => void analyze()} loading={busy} disabled={!folder.trim() && !savedFolder}>
              {folder.trim() ? 'Analyze the last 30 days' : 'Save'}
            </Button>
          </Group>
          {error ? <ErrorAlert error={error} /> : null}
          {analysis ? (
            <Stack gap="md" data-testid="log-analysis">
              <Text>
                Read {analysis.lines.toLocaleString()} lines in {analysis.files} file{analysis.files === 1 ? '' : 's'}: {analysis.days.reduce((n, d) => n + d.errors, 0)} errors and {analysis.days.reduce((n, d) => n + d.warnings, 0)} warnings in 30 days.
              </Text>
              <BarChart h={220} data={data} dataKey="date" type="stacked" series={[{ name: 'Errors', color: 'red.6' }, { name: 'Warnings', color: 'orange.5' }]} withLegend aria-label="Errors and warnings per day" />
              {analysis.top.length ? (
                <Table aria-label="Most repeated messages" striped>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Message</Table.Th>
                      <Table.Th w={90}>Times</Table.Th>
                      <Table.Th w={190}>Last seen</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {analysis.top.map((t) => (
                      <Table.Tr key={`${t.level}${t.message}`}>
                        <Table.Td>
                          <Badge color={t.level === 'error' ? 'red' : 'orange'} variant="light" mr="xs">
                            {t.level === 'error' ? 'Error' : 'Warning'}
                          </Badge>
                          {t.message}
                        </Table.Td>
                        <Table.Td>{t.count}</Table.Td>
                        <Table.Td>{formatDateTime(t.lastAt)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              ) : (
                <Text c="green">No errors or warnings in the last 30 days.</Text>
              )}
              {analysis.skipped.length ? <Text size="sm" c="dimmed">{analysis.skipped.length} file(s) could not be read or were left out.</Text> : null}
            </Stack>
          ) : null}
        </Stack>
      </Card>
    </Stack>
  );
}
