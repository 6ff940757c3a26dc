// Notifications: when a backup, verification, storage check, prune or maintenance job fails or finds
// problems (and,
// if asked, when it succeeds), and when no backup succeeded for N hours. Every engine listens, so a
// backup started by cron fails loudly too; `flush` lets a command wait for the messages before it exits.
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_NOTIFY, NotifySettings, type NotifyTestResult, type NotifyView } from '../../../shared/api/schedule';
import { toUserErrorData, userError } from '../../../shared/errors';
import { isFinal, type Job, type JobKind } from '../../../shared/jobs';
import type { Services } from '../services';
import type { ScopedLog } from '../log';
import { SettingsFile } from '../schedule/settings-file';
import { postWebhook, sendEmail } from './channels';
import { maskUrl, NotifySecretStore, type SecretCipher } from './secrets';
import { isBadNews, jobMessage, overdueHoursFor, overdueMessage, testMessage, type NotifyMessage } from './wording';
import { NotifyState } from './state';

/** A desktop notification; clicking it opens `route` in the app. */
export interface DesktopNotification {
  title: string;
  body: string;
  route: string | null;
  critical: boolean;
}

/** The notifier port: Electron's Notification in the desktop shell, the log elsewhere. */
export interface Notifier {
  readonly kind: 'desktop' | 'log';
  show(n: DesktopNotification): void;
}

export function logNotifier(log: ScopedLog): Notifier {
  return { kind: 'log', show: (n) => log.info(`notification: ${n.title} — ${n.body}`) };
}

export const NOTIFICATIONS_FILE = 'notifications.json';
/** The kinds whose failures this service reports (the desktop shell does not notify those a second time). */
export const WATCHED: readonly JobKind[] = ['backup', 'verify', 'consistency', 'prune', 'maintenance', 'drill'];
const REMIND_EVERY_MS = 24 * 3_600_000;
const NotificationsFile = z.object({ version: z.literal(1), profiles: z.record(z.string(), NotifySettings) });
type Channel = 'desktop' | 'webhook' | 'email';

export class NotificationService {
  readonly secrets: NotifySecretStore;
  private readonly file: SettingsFile<typeof NotificationsFile>;
  private readonly state: NotifyState;
  private readonly pending = new Set<Promise<void>>();
  private readonly log: ScopedLog;

  constructor(
    private readonly engine: Services,
    private readonly notifier: Notifier,
    cipher: SecretCipher | null = null,
    private readonly fetchFn: typeof fetch = fetch,
  ) {
    this.log = engine.log.scope('notify');
    this.file = new SettingsFile(path.join(engine.paths.home, NOTIFICATIONS_FILE), NotificationsFile, () => ({ version: 1 as const, profiles: {} }), 'notification settings');
    this.secrets = new NotifySecretStore(engine.paths.home, engine.secrets, engine.env, cipher);
    this.state = new NotifyState(engine.historyDb);
  }

  get notifierKind(): Notifier['kind'] {
    return this.notifier.kind;
  }

  /** Listen to every job of this engine; returns the unsubscribe function. */
  attach(): () => void {
    return this.engine.jobs.onUpdate((job) => {
      if (isFinal(job.status) && WATCHED.includes(job.kind)) this.jobFinished(job);
    });
  }

  /** Tell whoever should know about a finished job (also used for runs the scheduler could not start). */
  jobFinished(job: Job): void {
    this.track(async () => {
      const settings = job.profile ? this.settingsFor(job.profile) : DEFAULT_NOTIFY;
      const hours = job.profile ? overdueHoursFor(this.engine, job.profile, settings.overdueHours) : 26;
      const message = jobMessage(this.engine, job, hours);
      if (message) await this.deliver(message, settings);
    });
  }

  /** "No successful backup for N hours", once per episode and then at most daily. */
  checkOverdue(now = Date.now()): void {
    // A backup running now may well end the drought: wait for its result (which is notified anyway).
    const busy = new Set(this.engine.jobs.list().filter((j) => j.kind === 'backup' && !isFinal(j.status)).map((j) => j.profile));
    for (const profile of this.engine.profiles.list()) {
      if (busy.has(profile.name)) continue;
      const settings = this.settingsFor(profile.name);
      const found = overdueMessage(this.engine, profile.name, overdueHoursFor(this.engine, profile.name, settings.overdueHours), now);
      if (!found) continue;
      const key = `overdue:${profile.name}`;
      const said = this.state.get(key);
      if (said && said.value === found.episode && now - Date.parse(said.at) < REMIND_EVERY_MS) continue;
      this.state.set(key, found.episode, new Date(now).toISOString());
      this.track(() => this.deliver(found.message, settings));
    }
  }

  settingsFor(profile: string): NotifySettings {
    return structuredClone(this.file.read().profiles[profile] ?? DEFAULT_NOTIFY);
  }

  view(profile: string): NotifyView {
    const settings = this.settingsFor(profile);
    const url = this.secrets.get(profile, 'webhookUrl');
    return {
      profile,
      settings,
      webhookUrl: { set: Boolean(url), masked: url ? maskUrl(url) : null },
      smtpPassword: { set: Boolean(this.secrets.get(profile, 'smtpPassword')) },
      secretsWhere: this.secrets.where,
      overdueHours: overdueHoursFor(this.engine, profile, settings.overdueHours),
      problems: this.state.problems(profile),
    };
  }

  async save(profile: string, settings: NotifySettings, secrets: { webhookUrl?: string | null; smtpPassword?: string | null }): Promise<NotifyView> {
    this.engine.profiles.get(profile);
    if (secrets.webhookUrl !== undefined) await this.secrets.set(profile, 'webhookUrl', secrets.webhookUrl);
    if (secrets.smtpPassword !== undefined) await this.secrets.set(profile, 'smtpPassword', secrets.smtpPassword);
    await this.file.change((data) => {
      data.profiles[profile] = NotifySettings.parse(settings);
    });
    return this.view(profile);
  }

  /** "Send test": one message on each channel that is on, each result reported. */
  async test(profile: string): Promise<NotifyTestResult> {
    this.engine.profiles.get(profile);
    const settings = this.settingsFor(profile);
    const message = testMessage(profile);
    const channels: Channel[] = ['desktop', ...(settings.webhook.enabled ? (['webhook'] as const) : []), ...(settings.email.enabled ? (['email'] as const) : [])];
    const results: NotifyTestResult['results'] = [];
    for (const channel of channels) {
      try {
        await this.send(channel, message, settings, profile);
        results.push({ channel, ok: true, message: channel === 'desktop' && this.notifier.kind === 'log' ? 'Written to the log (desktop notifications need the desktop app).' : 'Sent.' });
      } catch (err) {
        const data = toUserErrorData(err);
        results.push({ channel, ok: false, message: `${data.message} ${data.hint}` });
      }
    }
    return { results };
  }

  /** Wait for messages on their way (a command waits before it exits). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async deliver(m: NotifyMessage, settings: NotifySettings): Promise<void> {
    const bad = isBadNews(m.event);
    const wanted: Channel[] = [];
    if (bad ? settings.desktop.onFailure : settings.desktop.onSuccess) wanted.push('desktop');
    if (settings.webhook.enabled && (bad || settings.webhook.onSuccess)) wanted.push('webhook');
    if (settings.email.enabled && (bad || settings.email.onSuccess)) wanted.push('email');
    for (const channel of wanted) {
      try {
        await this.send(channel, m, settings, m.profile);
        if (m.profile) this.state.clearProblem(m.profile, channel);
      } catch (err) {
        const data = toUserErrorData(err);
        this.log.warn(`could not send "${m.headline}" by ${channel}: ${data.message} ${data.details ?? ''}`);
        if (m.profile) this.state.setProblem(m.profile, channel, `${data.message} ${data.hint}`);
      }
    }
  }

  private async send(channel: Channel, m: NotifyMessage, settings: NotifySettings, profile: string | null): Promise<void> {
    if (channel === 'desktop') {
      this.notifier.show({ title: m.headline, body: [m.message, m.status].filter(Boolean).join(' '), route: m.route, critical: m.event === 'failed' || m.event === 'overdue' });
      return;
    }
    if (!profile) return;
    if (channel === 'webhook') {
      const url = this.secrets.get(profile, 'webhookUrl');
      if (!url) throw userError('INVALID_INPUT', 'Webhook not set up', 'No webhook address is saved.', 'Enter the webhook address and save.');
      await postWebhook(url, settings.webhook.format, m, this.fetchFn);
      return;
    }
    await sendEmail({ settings: settings.email, password: this.secrets.get(profile, 'smtpPassword') }, m);
  }

  private track(work: () => Promise<void>): void {
    const p: Promise<void> = work()
      .catch((err: unknown) => this.log.error('notification failed', err))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }
}
