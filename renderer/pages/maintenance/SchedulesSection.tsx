// Schedules of one connection: when it runs by itself, how to run it without the app, who is told.
import { Alert, Card, Stack, Switch, Text, Title } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import type { ScheduleView } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RememberPassphraseButton } from '../../components/PassphraseAsk';
import { useJobs } from '../../stores/jobs';
import { ScheduleEditor } from './ScheduleEditor';
import { RunWithoutApp } from './RunWithoutApp';
import { NotificationSettings } from './NotificationSettings';
import { RetentionEditor } from './RetentionEditor';
import { EventTriggers } from './EventTriggers';

export function SchedulesSection({ profile }: { profile: string }) {
  const [view, setView] = useState<ScheduleView | null>(null);
  const [error, setError] = useState<UserErrorData | null>(null);
  const version = useJobs((s) => s.historyVersion);
  const load = useCallback(() => {
    api.schedule.get({ profile }).then(setView, (err: unknown) => setError(errorData(err)));
  }, [profile]);
  useEffect(load, [load, version]);

  return (
    <Stack gap="md" component="section" aria-label="Schedules">
      <Stack gap={4}>
        <Title order={2}>Schedules of “{profile}”</Title>
        <Text c="dimmed">
          {view?.schedulerRunning === false
            ? 'Schedules run while the desktop app (or "pci-maint serve") is running; otherwise use "Run without the app" below.'
            : `Times are this computer's local time (${view?.timeZone ?? '…'}). A run missed while the computer was off runs at the next start.`}
        </Text>
      </Stack>
      {error ? <ErrorAlert error={error} /> : null}
      {view && view.blocked.kinds.length > 0 ? (
        <Alert color="red" variant="light" icon={<IconAlertTriangle />} title="A schedule cannot run" role="alert" data-testid="schedules-blocked">
          <Stack gap="xs" align="flex-start">
            <Text>{view.blocked.message}</Text>
            <RememberPassphraseButton profile={profile} size="sm" onDone={load} />
          </Stack>
        </Alert>
      ) : null}
      {view ? <ScheduleEditor view={view} onSaved={setView} /> : null}
      <RetentionEditor profile={profile} />
      <EventTriggers profile={profile} />
      {view?.desktop ? <DesktopOptionsCard view={view} onChange={load} /> : null}
      {view ? <RunWithoutApp profile={profile} revision={JSON.stringify(view.schedules)} onChanged={load} /> : null}
      <NotificationSettings profile={profile} />
    </Stack>
  );
}

function DesktopOptionsCard({ view, onChange }: { view: ScheduleView; onChange: () => void }) {
  const desktop = view.desktop!;
  const [error, setError] = useState<UserErrorData | null>(null);
  const set = (change: Partial<typeof desktop>) => api.schedule.setDesktop({ ...desktop, ...change }).then(onChange, (err: unknown) => setError(errorData(err)));
  return (
    <Card withBorder p="md" component="section" aria-label="Desktop app">
      <Stack gap="sm">
        <Title order={3} size="h4">
          Desktop app
        </Title>
        <Switch label="Keep running in the tray when the window is closed, so schedules keep running" checked={desktop.keepRunningInTray} onChange={(e) => void set({ keepRunningInTray: e.currentTarget.checked })} />
        <Switch label="Start PCI Maintenance (in the tray) when I log in" checked={desktop.startAtLogin} onChange={(e) => void set({ startAtLogin: e.currentTarget.checked })} />
        {error ? <ErrorAlert error={error} /> : null}
      </Stack>
    </Card>
  );
}
