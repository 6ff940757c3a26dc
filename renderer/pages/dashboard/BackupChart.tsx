// Backups over time, from the history: how big each one was and how long it took.
import { BarChart, LineChart } from '@mantine/charts';
import '@mantine/charts/styles.css';
import { Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { BackupPoint } from '../../../shared/contract';

export function BackupChart({ points }: { points: BackupPoint[] }) {
  // Backups of a few days apart are told apart by date; several on one day need the time too.
  const span = points.length > 1 ? Date.parse(points[points.length - 1].at) - Date.parse(points[0].at) : 0;
  const label = (at: string) =>
    new Date(at).toLocaleString(undefined, span < 3 * 86_400_000 ? { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' } : { month: 'short', day: 'numeric' });
  // Backups that take seconds are charted in seconds: minutes would put them all on an axis of 0–0.1.
  const longest = Math.max(0, ...points.map((p) => p.durationSeconds ?? 0));
  const inMinutes = longest >= 120;
  const data = points.map((p) => ({
    date: label(p.at),
    sizeMB: p.bytes === null ? null : Math.round(p.bytes / 1e5) / 10,
    addedMB: p.newBytes === null ? null : Math.round(p.newBytes / 1e5) / 10,
    duration: p.durationSeconds === null ? null : inMinutes ? Math.round(p.durationSeconds / 6) / 10 : Math.round(p.durationSeconds * 10) / 10,
  }));
  return (
    <Card withBorder radius="md" p="lg" aria-label="Backups over time" data-testid="card-chart">
      <Title order={2} size="h4" mb="sm">
        Backups over time
      </Title>
      {points.length === 0 ? (
        <Text c="dimmed" data-testid="chart-empty">
          No backups yet. After the first backups, their size and duration appear here.
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="xl">
          <Stack gap="xs">
            <Text fw={600}>Size (MB)</Text>
            <BarChart h={220} data={data} dataKey="date" series={[{ name: 'sizeMB', label: 'Backed up', color: 'blue.6' }, { name: 'addedMB', label: 'New data stored', color: 'teal.6' }]} withLegend />
          </Stack>
          <Stack gap="xs">
            <Text fw={600}>Duration ({inMinutes ? 'minutes' : 'seconds'})</Text>
            <LineChart h={220} data={data} dataKey="date" series={[{ name: 'duration', label: 'Duration', color: 'grape.6' }]} curveType="linear" connectNulls />
          </Stack>
        </SimpleGrid>
      )}
    </Card>
  );
}
