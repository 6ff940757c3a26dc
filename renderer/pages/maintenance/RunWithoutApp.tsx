// "Run without the app": the exact entries for this computer's system scheduler (cron, systemd timer,
// Task Scheduler, launchd), to copy or to install for the current user with one button.
import { Alert, Badge, Button, Card, Code, CopyButton, Group, List, Stack, Tabs, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import type { OsMethod, OsMethodPlan, OsPlan } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';

const KIND_WORDS = { backup: 'backup', verify: 'verification', check: 'storage check' } as const;

/** What each system scheduler is, for someone who has never heard of it. */
const METHOD_HELP: Record<OsMethod, string> = {
  cron: 'cron is the scheduler built into Linux and macOS: it runs commands at set times, listed in a file called the crontab.',
  systemd: 'systemd runs the services of most Linux systems; a systemd timer starts a command at set times, also after a restart.',
  schtasks: 'Task Scheduler is the part of Windows that starts programs at set times.',
  launchd: 'launchd is the part of macOS that starts programs at set times.',
};

function Copyable({ label, text }: { label: string; text: string }) {
  return (
    <Stack gap={4}>
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          {label}
        </Text>
        <CopyButton value={text}>
          {({ copied, copy }) => (
            <Button size="compact-xs" variant="subtle" onClick={copy} aria-label={`Copy ${label}`}>
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {text.replace(/\n$/, '')}
      </Code>
    </Stack>
  );
}

function MethodPanel({ m, busy, onInstall, onRemove }: { m: OsMethodPlan; busy: boolean; onInstall: () => void; onRemove: () => void }) {
  return (
    <Stack gap="sm" pt="sm">
      <Text size="sm">{METHOD_HELP[m.method]}</Text>
      <Group gap="xs">
        {m.installed.length ? (
          m.installed.map((k) => (
            <Badge key={k} color="green" variant="light">
              {KIND_WORDS[k]} installed
            </Badge>
          ))
        ) : (
          <Badge color="gray" variant="light">
            Not installed
          </Badge>
        )}
      </Group>
      {m.files.map((f) => (
        <Copyable key={f.path} label={f.path} text={f.text} />
      ))}
      {m.commands.length ? <Copyable label="Commands" text={m.commands.join('\n')} /> : null}
      {m.note ? <Text size="sm">{m.note}</Text> : null}
      <Group>
        <Button onClick={onInstall} loading={busy} disabled={!m.canInstall}>
          Install for me
        </Button>
        <Button variant="default" color="red" onClick={onRemove} disabled={busy || m.installed.length === 0}>
          Remove
        </Button>
      </Group>
    </Stack>
  );
}

/** `revision` changes when the schedules change, so the entries shown follow the new times. */
export function RunWithoutApp({ profile, revision, onChanged }: { profile: string; revision: string; onChanged: () => void }) {
  const [plan, setPlan] = useState<OsPlan | null>(null);
  const [tab, setTab] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UserErrorData | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(() => {
    api.schedule.osPlan({ profile }).then(
      (p) => {
        setPlan(p);
        setTab((t) => t ?? p.methods[0]?.method ?? null);
      },
      (err: unknown) => setError(errorData(err)),
    );
  }, [profile]);
  useEffect(load, [load, revision]);

  const act = (action: 'install' | 'remove', method: OsMethod) => {
    setBusy(true);
    setError(null);
    setDone(null);
    (action === 'install' ? api.schedule.osInstall({ profile, method }) : api.schedule.osRemove({ profile, method }))
      .then((p) => {
        setPlan(p);
        setDone(action === 'install' ? 'Installed. The system scheduler runs these now, also when the app is closed.' : 'Removed. The app runs the schedules itself again while it is open.');
        onChanged();
      }, (err: unknown) => setError(errorData(err)))
      .finally(() => setBusy(false));
  };

  return (
    <Card withBorder p="lg" component="section" aria-label="Run without the app">
      <Stack gap="sm">
        <Title order={3} size="h4">
          Run without the app
        </Title>
        <Text>For a computer where PCI Maintenance is not kept open: the system's own scheduler runs the same command at the same times, and the runs appear in this history.</Text>
        {plan ? (
          <Text size="sm" c="dimmed">
            Command: <Code>{plan.command}</Code>
          </Text>
        ) : null}
        {error ? <ErrorAlert error={error} /> : null}
        {done ? (
          <Alert color="green" role="status">
            {done}
          </Alert>
        ) : null}
        {plan ? (
          <Tabs value={tab} onChange={setTab} keepMounted={false}>
            <Tabs.List aria-label="System scheduler">
              {plan.methods.map((m) => (
                <Tabs.Tab key={m.method} value={m.method}>
                  {m.label}
                </Tabs.Tab>
              ))}
            </Tabs.List>
            {plan.methods.map((m) => (
              <Tabs.Panel key={m.method} value={m.method}>
                <MethodPanel m={m} busy={busy} onInstall={() => act('install', m.method)} onRemove={() => act('remove', m.method)} />
              </Tabs.Panel>
            ))}
          </Tabs>
        ) : null}
        {plan?.notes.length ? (
          <List size="sm" spacing={4}>
            {plan.notes.map((n) => (
              <List.Item key={n}>{n}</List.Item>
            ))}
          </List>
        ) : null}
      </Stack>
    </Card>
  );
}
