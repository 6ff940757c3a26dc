// Notifications over real sockets: a local SMTP server (smtp-server) receives the test message and a
// failure report; a webhook that answers 500 is reported in the settings; the SMTP password and the
// webhook token never reach the log; and "no successful backup for N hours" is said once.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_NOTIFY, type NotifySettings } from '../../../shared/api/schedule';
import type { Job } from '../../../shared/jobs';
import { UserError } from '../../../shared/errors';
import { saveProfile } from '../../../electron/core/profiles/service';
import { tempDir, testEngine, type TestEngine } from '../../support/engine';

const SMTP_PASSWORD = 'Smtp-Sentinel-Pw-4471';
const HOOK_TOKEN = 'HookSentinel-77aa01';

interface Mail {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

const qp = (s: string) => Buffer.from(s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');

/** Just enough MIME for these messages: the RFC 2047 subject and a quoted-printable text body. */
function decode(raw: string): { subject: string; text: string } {
  const [head, ...body] = raw.split(/\r?\n\r?\n/);
  // Space between two encoded words (folded or not) is not part of the text (RFC 2047 §6.2).
  const unfolded = head.replace(/\?=(\r?\n)?[ \t]+=\?/g, '?==?').replace(/\r?\n[ \t]+/g, ' ');
  const subject = (/^Subject: (.*)$/m.exec(unfolded)?.[1] ?? '').replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_m, w: string) => qp(w.replace(/_/g, ' ')));
  return { subject, text: /quoted-printable/i.test(head) ? qp(body.join('\n\n')) : body.join('\n\n') };
}

let engine: TestEngine;
let smtp: SMTPServer;
let smtpPort: number;
let failing: http.Server;
let failingUrl: string;
const mails: Mail[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, cb) {
      if (auth.username === 'alerts' && auth.password === SMTP_PASSWORD) cb(null, { user: 'alerts' });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString()));
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), ...decode(raw) });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  failing = http.createServer((_req, res) => res.writeHead(500).end());
  await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
  failingUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/services/${HOOK_TOKEN}`;

  engine = testEngine({ env: {} });
  await saveProfile(engine, { name: 'Office', sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', endpoint: 'http://127.0.0.1:9', bucket: 'pci-files', accessKeyId: 'AKIA' }], destination: { kind: 'folder', path: tempDir('pci-notify-dest-') } });
});

afterAll(async () => {
  await engine.dispose();
  await new Promise<void>((r) => smtp.close(() => r()));
  await new Promise<void>((r) => failing.close(() => r()));
});

const email = (port: number): NotifySettings['email'] => ({
  enabled: true,
  host: '127.0.0.1',
  port,
  security: 'none',
  username: 'alerts',
  from: 'pci-maintenance@example.org',
  to: ['admin@example.org'],
  onSuccess: false,
});

/** A verification that ran to its end and found damage: "found problems", reported like a failure. */
function failedJob(): Job {
  const at = new Date().toISOString();
  return {
    id: 'e1a7b0c4-0000-4000-8000-000000000001',
    kind: 'verify',
    title: 'Scheduled full check of all backups of "Office"',
    profile: 'Office',
    status: 'problems',
    progress: { phase: 'Done', done: 0, total: null, unit: 'items', bytesDone: 0, bytesTotal: null, etaSeconds: null, message: '' },
    startedAt: at,
    finishedAt: at,
    summary: null,
    error: { code: 'BACKUP_DAMAGED', title: 'Problems found', message: 'Verification found 1 problem in the backup.', hint: 'Make a new backup now.' },
  };
}

describe('notifications', () => {
  it('sends the test message and a failure by email through SMTP with the saved password', async () => {
    const settings: NotifySettings = { ...DEFAULT_NOTIFY, email: email(smtpPort) };
    const view = await engine.automation.notify.save('Office', settings, { smtpPassword: SMTP_PASSWORD });
    expect(view.smtpPassword).toEqual({ set: true });
    expect(JSON.stringify(view)).not.toContain(SMTP_PASSWORD);

    const result = await engine.automation.notify.test('Office');
    expect(result.results).toEqual([
      { channel: 'desktop', ok: true, message: 'Written to the log (desktop notifications need the desktop app).' },
      { channel: 'email', ok: true, message: 'Sent.' },
    ]);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ from: 'pci-maintenance@example.org', to: ['admin@example.org'] });
    expect(mails[0].subject).toBe('PCI Maintenance: Test message from PCI Maintenance for "Office"');
    expect(mails[0].text).toContain('If you can read this, PCI Maintenance can reach you here when a backup fails.');

    engine.automation.notify.jobFinished(failedJob());
    await engine.automation.notify.flush();
    expect(mails).toHaveLength(2);
    expect(mails[1].subject).toBe('PCI Maintenance: Scheduled full check of all backups of "Office" found problems');
    expect(mails[1].text.split(/\r?\n/).slice(0, 3)).toEqual(['Verification found 1 problem in the backup.', 'Make a new backup now.', 'Connection: Office']);
  });

  it('reports a wrong SMTP password in plain words, in "Send test" and in the settings after a failure', async () => {
    await engine.automation.notify.save('Office', { ...DEFAULT_NOTIFY, email: email(smtpPort) }, { smtpPassword: 'not-the-password' });
    const result = await engine.automation.notify.test('Office');
    expect(result.results[1]).toEqual({ channel: 'email', ok: false, message: 'The mail server did not accept the user name or password. Check the user name and the SMTP password.' });
    await engine.automation.notify.save('Office', { ...DEFAULT_NOTIFY, email: email(smtpPort) }, { smtpPassword: SMTP_PASSWORD });
  });

  it('keeps a webhook that refuses messages as a problem to show, until one gets through', async () => {
    await engine.automation.notify.save('Office', { ...DEFAULT_NOTIFY, webhook: { enabled: true, format: 'slack', onSuccess: false } }, { webhookUrl: failingUrl });
    expect(engine.automation.notify.view('Office').webhookUrl).toEqual({ set: true, masked: `http://127.0.0.1:${(failing.address() as AddressInfo).port}/••••` });
    engine.automation.notify.jobFinished(failedJob());
    await engine.automation.notify.flush();
    expect(engine.automation.notify.view('Office').problems).toEqual([
      { channel: 'webhook', at: expect.any(String), message: 'The webhook answered with HTTP 500. Check that the webhook address is complete and still active, and that the format matches the service.' },
    ]);
  });

  it('reports a restore drill that found problems, once the job has ended (its checks are part of it)', async () => {
    await engine.automation.notify.save('Office', { ...DEFAULT_NOTIFY, email: email(smtpPort) }, { smtpPassword: SMTP_PASSWORD });
    const before = mails.length;
    let checked = false;
    const job = engine.jobs.start({
      kind: 'drill',
      title: 'Restore drill of the latest backup of "Office"',
      profile: 'Office',
      locks: [],
      run: async () => {
        await new Promise((r) => setTimeout(r, 20));
        checked = true; // the checks of what came back run inside the job: nothing is said before they finished
        return { ok: false };
      },
      findings: () => new UserError({ code: 'BACKUP_DAMAGED', title: 'The drill found problems', message: 'The restore drill found 1 problem: this restore point would not come back complete.', hint: 'Make a new backup now.' }),
    });
    expect(mails.length).toBe(before);
    await engine.jobs.wait(job.id);
    await engine.automation.notify.flush();
    expect(checked).toBe(true);
    expect(mails.length - before).toBe(1);
    expect(mails[mails.length - 1].subject).toBe('PCI Maintenance: Restore drill of the latest backup of "Office" found problems');
  });

  it('says "no successful backup for N hours" once per drought, in the dashboard\'s words', async () => {
    await engine.automation.notify.save('Office', { ...DEFAULT_NOTIFY, email: email(smtpPort), overdueHours: 24 }, {});
    const before = mails.length;
    const later = Date.parse(engine.profiles.get('Office').createdAt!) + 30 * 3_600_000;
    engine.automation.notify.checkOverdue(later);
    engine.automation.notify.checkOverdue(later + 3_600_000);
    await engine.automation.notify.flush();
    expect(mails.length - before).toBe(1);
    const mail = mails[mails.length - 1];
    expect(mail.subject).toBe('PCI Maintenance: No successful backup of "Office" for more than 24 hours');
    // The same sentence as the dashboard's "Last backup" card.
    expect(mail.text.split(/\r?\n/)[0]).toBe('No backup has been made yet.');
  });

  it('never writes the SMTP password or the webhook token to the log or the settings files', () => {
    const log = fs.readFileSync(engine.log.file, 'utf8');
    for (const secret of [SMTP_PASSWORD, HOOK_TOKEN]) {
      expect(log).not.toContain(secret);
      expect(fs.readFileSync(`${engine.home}/notifications.json`, 'utf8')).not.toContain(secret);
    }
    expect(fs.statSync(`${engine.home}/notify-secrets.json`).mode & 0o077).toBe(0);
  });
});
