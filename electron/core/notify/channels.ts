// The ways a message leaves the app: a chat webhook (Slack, Discord, Teams or plain JSON) and email
// over SMTP (nodemailer). Each takes its settings and secret as arguments and throws a UserError
// with plain words when the other side does not take the message.
import type { NotifySettings } from '../../../shared/api/schedule';
import { userError } from '../../../shared/errors';
import { messageLines, type NotifyMessage } from './wording';

export type WebhookFormat = NotifySettings['webhook']['format'];

const TIMEOUT_MS = 10_000;

/** The JSON each kind of receiver understands; "json" is the whole message for your own tools. */
export function webhookPayload(format: WebhookFormat, m: NotifyMessage): unknown {
  const lines = messageLines(m);
  switch (format) {
    case 'slack':
      return { text: [`*${m.headline}*`, ...lines].join('\n') };
    case 'discord':
      return { content: [`**${m.headline}**`, ...lines].join('\n').slice(0, 2000) };
    case 'teams':
      return {
        '@type': 'MessageCard',
        '@context': 'https://schema.org/extensions',
        summary: m.headline,
        themeColor: m.event === 'failed' || m.event === 'overdue' ? 'D13438' : m.event === 'problems' ? 'F2A900' : '2EB886',
        title: m.headline,
        text: lines.join('\n\n'),
      };
    case 'json':
      return {
        app: 'PCI Maintenance',
        event: m.event,
        profile: m.profile,
        kind: m.kind,
        title: m.headline,
        message: m.message,
        status: m.status,
        hint: m.hint,
        at: m.at,
        jobId: m.jobId,
        host: m.host,
      };
  }
}

export async function postWebhook(url: string, format: WebhookFormat, m: NotifyMessage, fetchFn: typeof fetch = fetch): Promise<void> {
  let status: number;
  try {
    const res = await fetchFn(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'PCI-Maintenance' },
      body: JSON.stringify(webhookPayload(format, m)),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'error',
    });
    status = res.status;
    await res.body?.cancel().catch(() => undefined);
  } catch (err) {
    throw userError('NOT_AVAILABLE', 'Webhook not reachable', 'The webhook address could not be reached.', 'Check the address and that this computer can reach the internet (or the chat server).', err instanceof Error ? err.message : String(err));
  }
  if (status < 200 || status >= 300) {
    throw userError('NOT_AVAILABLE', 'Webhook refused the message', `The webhook answered with HTTP ${status}.`, 'Check that the webhook address is complete and still active, and that the format matches the service.');
  }
}

export interface EmailOptions {
  settings: NotifySettings['email'];
  password: string | undefined;
}

export async function sendEmail({ settings, password }: EmailOptions, m: NotifyMessage): Promise<void> {
  if (!settings.host || settings.to.length === 0 || !settings.from) {
    throw userError('INVALID_INPUT', 'Email not set up', 'The mail server, the sender or the recipients are missing.', 'Fill in the mail server, "From" and at least one recipient.');
  }
  // Loaded when an email is sent, not at every start (CLI start-up time, issue 13).
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    auth: settings.username ? { user: settings.username, pass: password ?? '' } : undefined,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  try {
    await transport.sendMail({ from: settings.from, to: settings.to, subject: `PCI Maintenance: ${m.headline}`, text: messageLines(m).join('\n') + '\n' });
  } catch (err) {
    const code = (err as { code?: string; responseCode?: number }).code;
    const auth = code === 'EAUTH';
    throw userError(
      'NOT_AVAILABLE',
      auth ? 'Mail server refused the login' : 'Email not sent',
      auth ? 'The mail server did not accept the user name or password.' : 'The mail server could not be reached or did not accept the message.',
      auth ? 'Check the user name and the SMTP password.' : 'Check the server name, port and security setting (most servers: port 587 with STARTTLS, or 465 with TLS).',
      err instanceof Error ? err.message : String(err),
    );
  } finally {
    transport.close();
  }
}
