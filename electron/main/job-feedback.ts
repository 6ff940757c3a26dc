// What the desktop shows about jobs outside the page: the progress on the taskbar / dock icon
// (BrowserWindow.setProgressBar), a notification when a job ends while the window is not in front,
// and the tray menu (open, last backup, back up now, quit). Plain functions of plain data, so they are
// unit-tested without Electron (test/unit/main/job-feedback.test.ts); index.ts and background.ts wire them.
import type { HistoryItem } from '../../shared/api/core';
import { formatDateTime } from '../../shared/format';
import type { Job } from '../../shared/jobs';

const ACTIVE = new Set<Job['status']>(['running', 'canceling']);

/**
 * The value for setProgressBar: -1 removes the bar, 0..1 is a fraction, above 1 is "busy, amount
 * unknown" (Electron docs, BrowserWindow.setProgressBar). Several jobs: the slowest one shows.
 */
export function taskbarProgress(jobs: Iterable<Job>): number {
  let fraction: number | null = null;
  let any = false;
  for (const job of jobs) {
    if (!ACTIVE.has(job.status)) continue;
    any = true;
    const p = job.progress;
    const f = p.bytesTotal ? p.bytesDone / p.bytesTotal : p.total ? p.done / p.total : null;
    if (f === null) return 2;
    fraction = Math.min(fraction ?? 1, Math.max(0, Math.min(1, f)));
  }
  return any ? (fraction ?? 0) : -1;
}

export interface Notice {
  title: string;
  body: string;
  critical: boolean;
  route: string;
}

/**
 * A notification for a job that just ended while nobody is looking at the window. A cancel is the
 * user's own doing; failures of the kinds the notification service watches are its to report
 * (with the user's channel settings), so they are not announced twice.
 */
export function finishNotice(job: Job, windowFocused: boolean, failuresReportedElsewhere: readonly Job['kind'][] = []): Notice | null {
  if (windowFocused || (job.status !== 'succeeded' && job.status !== 'failed')) return null;
  if (job.status === 'failed' && failuresReportedElsewhere.includes(job.kind)) return null;
  const route = `/runs/${encodeURIComponent(job.id)}`;
  if (job.status === 'succeeded') return { title: `${job.title}: done`, body: job.profile ? `Finished for "${job.profile}".` : 'Finished.', critical: false, route };
  return { title: `${job.title}: failed`, body: job.error ? `${job.error.message} ${job.error.hint}` : 'Open PCI Maintenance to see what happened.', critical: true, route };
}

/** The tray's line about the last backup, from the newest backup in the history. */
export function lastBackupLine(last: HistoryItem | null): string {
  if (!last) return 'No backup yet';
  const when = formatDateTime(last.finishedAt ?? last.startedAt);
  if (last.status === 'succeeded') return `Last backup: ${when}, OK`;
  if (last.status === 'failed') return `Last backup failed: ${when}`;
  if (last.status === 'canceled') return `Last backup cancelled: ${when}`;
  return 'A backup is running';
}

export type TrayItem = { label: string; enabled?: boolean; action?: TrayAction; submenu?: TrayItem[] } | { separator: true };
export type TrayAction = { open: string | null } | { backup: string } | { quit: true };

/** The tray menu as data: "Back up now" per connection (a submenu when there are several). */
export function trayMenu(input: { lastBackup: HistoryItem | null; profiles: string[]; backupRunning: boolean }): TrayItem[] {
  const backup: TrayItem =
    input.profiles.length === 0
      ? { label: 'Back up now (set up a connection first)', enabled: false }
      : input.profiles.length === 1
        ? { label: 'Back up now', enabled: !input.backupRunning, action: { backup: input.profiles[0] } }
        : { label: 'Back up now', enabled: !input.backupRunning, submenu: input.profiles.map((p) => ({ label: p, action: { backup: p } })) };
  return [
    { label: 'Open PCI Maintenance', action: { open: null } },
    { label: lastBackupLine(input.lastBackup), action: input.lastBackup ? { open: `/runs/${encodeURIComponent(input.lastBackup.id)}` } : { open: null } },
    backup,
    { label: 'Schedules and maintenance', action: { open: '/maintenance' } },
    { separator: true },
    { label: 'Quit (schedules stop)', action: { quit: true } },
  ];
}
