// Who is told when a backup or a check fails, or when no backup succeeded for a while: a desktop
// notification, a chat webhook, email. Secrets are sent once and only ever shown masked.
import { Alert, Button, Card, Checkbox, Group, List, NumberInput, PasswordInput, Select, Stack, Switch, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { NotifySettings, NotifyTestResult, NotifyView } from '../../../shared/contract';
import type { UserErrorData } from '../../../shared/errors';
import { api, errorData } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';

const CHANNEL = { desktop: 'Desktop notification', webhook: 'Webhook', email: 'Email' } as const;

export function NotificationSettings({ profile }: { profile: string }) {
  const [view, setView] = useState<NotifyView | null>(null);
  const [draft, setDraft] = useState<NotifySettings | null>(null);
  const [webhookUrl, setWebhookUrl] = useState('');
  const [smtpPassword, setSmtpPassword] = useState('');
  const [error, setError] = useState<UserErrorData | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [test, setTest] = useState<NotifyTestResult | null>(null);
  const [testing, setTesting] = useState(false);

  useEffect(() => {
    api.notify.get({ profile }).then(
      (v) => {
        setView(v);
        setDraft(v.settings);
      },
      (err: unknown) => setError(errorData(err)),
    );
  }, [profile]);

  if (!draft || !view) return error ? <ErrorAlert error={error} /> : null;
  const set = <K extends 'desktop' | 'webhook' | 'email'>(key: K, change: Partial<NotifySettings[K]>) => setDraft({ ...draft, [key]: { ...draft[key], ...change } });

  const save = async (): Promise<boolean> => {
    setSaving(true);
    setError(null);
    try {
      const v = await api.notify.set({ profile, settings: draft, ...(webhookUrl ? { webhookUrl } : {}), ...(smtpPassword ? { smtpPassword } : {}) });
      setView(v);
      setDraft(v.settings);
      setWebhookUrl('');
      setSmtpPassword('');
      setSaved(true);
      return true;
    } catch (err) {
      setError(errorData(err));
      return false;
    } finally {
      setSaving(false);
    }
  };

  const sendTest = async () => {
    setTest(null);
    setTesting(true);
    // What is on the screen is what gets tested.
    if (await save()) {
      try {
        setTest(await api.notify.test({ profile }));
      } catch (err) {
        setError(errorData(err));
      }
    }
    setTesting(false);
  };

  const e = draft.email;
  return (
    <Card withBorder p="lg" component="section" aria-label="Notifications">
      <Stack gap="md">
        <Title order={3} size="h4">
          Notifications
        </Title>
        <Text>Failures are always reported. You are also warned when no backup succeeded for {draft.overdueHours ?? view.overdueHours} hours.</Text>
        {view.problems.map((p) => (
          <Alert key={p.channel} color="orange" title={`The last ${CHANNEL[p.channel].toLowerCase()} could not be sent`}>
            {p.message}
          </Alert>
        ))}
        <Group>
          <Checkbox label="Desktop notification when something fails" checked={draft.desktop.onFailure} onChange={(ev) => set('desktop', { onFailure: ev.currentTarget.checked })} />
          <Checkbox label="…and when it succeeds" checked={draft.desktop.onSuccess} onChange={(ev) => set('desktop', { onSuccess: ev.currentTarget.checked })} />
        </Group>
        <NumberInput label="Warn when no backup succeeded for (hours)" placeholder={`${view.overdueHours} (the connection's setting)`} min={1} max={2160} value={draft.overdueHours ?? ''} onChange={(v) => setDraft({ ...draft, overdueHours: v === '' ? null : Number(v) })} w={320} />

        <Stack gap="xs">
          <Switch label="Send to a chat (Slack, Discord, Microsoft Teams) or your own webhook" checked={draft.webhook.enabled} onChange={(ev) => set('webhook', { enabled: ev.currentTarget.checked })} />
          {draft.webhook.enabled ? (
            <Group align="flex-end">
              <Select
                label="Format"
                data={[
                  { value: 'slack', label: 'Slack' },
                  { value: 'discord', label: 'Discord' },
                  { value: 'teams', label: 'Microsoft Teams' },
                  { value: 'json', label: 'Plain JSON' },
                ]}
                value={draft.webhook.format}
                onChange={(v) => v && set('webhook', { format: v as NotifySettings['webhook']['format'] })}
                allowDeselect={false}
                w={180}
              />
              <PasswordInput label="Webhook address" placeholder={view.webhookUrl.masked ?? 'https://hooks.slack.com/services/…'} description={view.webhookUrl.set ? 'Saved. Leave empty to keep it.' : 'It contains a secret token: it is stored like a password.'} value={webhookUrl} onChange={(ev) => setWebhookUrl(ev.currentTarget.value)} w={420} />
              <Checkbox label="Also when it succeeds" checked={draft.webhook.onSuccess} onChange={(ev) => set('webhook', { onSuccess: ev.currentTarget.checked })} mb={8} />
            </Group>
          ) : null}
        </Stack>

        <Stack gap="xs">
          <Switch label="Send an email" checked={e.enabled} onChange={(ev) => set('email', { enabled: ev.currentTarget.checked })} />
          {e.enabled ? (
            <Stack gap="xs">
              <Group align="flex-end">
                <TextInput label="Mail server" placeholder="smtp.example.org" value={e.host} onChange={(ev) => set('email', { host: ev.currentTarget.value })} w={260} />
                <NumberInput label="Port" min={1} max={65535} value={e.port} onChange={(v) => set('email', { port: Number(v) || 587 })} w={100} />
                <Select
                  label="Security"
                  data={[
                    { value: 'starttls', label: 'STARTTLS (port 587)' },
                    { value: 'tls', label: 'TLS (port 465)' },
                    { value: 'none', label: 'None (local relay only)' },
                  ]}
                  value={e.security}
                  onChange={(v) => v && set('email', { security: v as NotifySettings['email']['security'] })}
                  allowDeselect={false}
                  w={230}
                />
              </Group>
              <Group align="flex-end">
                <TextInput label="User name" value={e.username} onChange={(ev) => set('email', { username: ev.currentTarget.value })} w={260} />
                <PasswordInput label="Password" description={view.smtpPassword.set ? 'Saved. Leave empty to keep it.' : undefined} value={smtpPassword} onChange={(ev) => setSmtpPassword(ev.currentTarget.value)} w={260} />
              </Group>
              <Group align="flex-end">
                <TextInput label="From" placeholder="pci-maintenance@example.org" value={e.from} onChange={(ev) => set('email', { from: ev.currentTarget.value })} w={260} />
                <TagsInput label="To" description="Press Enter after each address." value={e.to} onChange={(to) => set('email', { to })} w={420} />
              </Group>
              <Checkbox label="Also when it succeeds" checked={e.onSuccess} onChange={(ev) => set('email', { onSuccess: ev.currentTarget.checked })} />
            </Stack>
          ) : null}
        </Stack>

        <Text size="sm" c="dimmed">
          The webhook address and the mail password are kept in {view.secretsWhere}.
        </Text>
        {error ? <ErrorAlert error={error} /> : null}
        {saved && !test && !error ? (
          <Text c="green" role="status">
            Saved.
          </Text>
        ) : null}
        {test ? (
          <List aria-label="Test results" spacing={4}>
            {test.results.map((r) => (
              <List.Item key={r.channel} c={r.ok ? 'green' : 'red'}>
                {CHANNEL[r.channel]}: {r.message}
              </List.Item>
            ))}
          </List>
        ) : null}
        <Group>
          <Button onClick={() => void save()} loading={saving && !testing}>
            Save notifications
          </Button>
          <Button variant="default" onClick={() => void sendTest()} loading={testing}>
            Send test
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
