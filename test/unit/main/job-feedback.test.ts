// The desktop's job feedback without Electron: the taskbar progress value, the notification when a
// job ends while the window is in the background, and the tray menu's content.
import { describe, expect, it } from 'vitest';
import { finishNotice, lastBackupLine, taskbarProgress, trayMenu } from '../../../electron/main/job-feedback';
import type { Job } from '../../../shared/jobs';
import type { HistoryItem } from '../../../shared/api/core';

function job(over: Omit<Partial<Job>, 'progress'> & { progress?: Partial<Job['progress']> } = {}): Job {
  const { progress, ...rest } = over;
  return {
    id: 'j1', kind: 'backup', title: 'Backup', profile: 'Office', status: 'running', startedAt: '2026-12-01T10:00:00Z', finishedAt: null, summary: null, error: null,
    ...rest,
    progress: { phase: 'R2', done: 0, total: null, unit: 'files', bytesDone: 0, bytesTotal: null, etaSeconds: null, message: '', ...progress },
  };
}

const item = (status: HistoryItem['status']): HistoryItem => ({ id: 'h1', kind: 'backup', title: 'Backup', status, profile: 'Office', startedAt: '2026-12-01T10:00:00Z', finishedAt: '2026-12-01T10:05:00Z', durationMs: 300_000, summary: null, error: null });

describe('taskbar progress', () => {
  it('no bar without a running job, a fraction by bytes (else by count), busy when the amount is unknown', () => {
    expect(taskbarProgress([])).toBe(-1);
    expect(taskbarProgress([job({ status: 'succeeded' })])).toBe(-1);
    expect(taskbarProgress([job({ progress: { bytesDone: 25, bytesTotal: 100, done: 9, total: 10 } })])).toBe(0.25);
    expect(taskbarProgress([job({ progress: { done: 3, total: 4 } })])).toBe(0.75);
    expect(taskbarProgress([job()])).toBeGreaterThan(1);
    // Two jobs: the one furthest from done shows.
    expect(taskbarProgress([job({ progress: { done: 9, total: 10 } }), job({ id: 'j2', progress: { done: 1, total: 10 } })])).toBe(0.1);
  });
});

describe('notification at the end of a job', () => {
  it('only when the window is not in front, never for a cancel', () => {
    expect(finishNotice(job({ status: 'succeeded' }), true)).toBeNull();
    expect(finishNotice(job({ status: 'canceled' }), false)).toBeNull();
    expect(finishNotice(job({ status: 'running' }), false)).toBeNull();
    expect(finishNotice(job({ status: 'succeeded' }), false)).toEqual({ title: 'Backup: done', body: 'Finished for "Office".', critical: false, route: '/runs/j1' });
  });

  it('a failure says what happened and what to do, unless the notification service reports it', () => {
    const failed = job({ kind: 'restore', title: 'Restore', status: 'failed', error: { code: 'DEST_FULL', title: 'Full', message: 'The backup drive is full.', hint: 'Free 3 GB.' } });
    expect(finishNotice(failed, false)).toMatchObject({ title: 'Restore: failed', body: 'The backup drive is full. Free 3 GB.', critical: true });
    expect(finishNotice({ ...failed, kind: 'backup' }, false, ['backup'])).toBeNull();
  });

  it('a job that ran fine but found problems says so, not "done" and not "failed"', () => {
    const found = job({ kind: 'consistency', title: 'Storage check of "Office"', status: 'problems', error: { code: 'PROBLEMS_FOUND', title: 'Problems found', message: 'The storage check found 9 problems.', hint: 'Open the storage check.' } });
    expect(finishNotice(found, false)).toEqual({ title: 'Storage check of "Office": found problems', body: 'The storage check found 9 problems. Open the storage check.', critical: false, route: '/runs/j1' });
    expect(finishNotice(found, false, ['consistency'])).toBeNull(); // the notification service reports it
  });
});

describe('tray menu', () => {
  it('shows the last backup and offers "Back up now" for the connection', () => {
    const menu = trayMenu({ lastBackup: item('succeeded'), profiles: ['Office'], backupRunning: false });
    expect(menu.map((m) => ('separator' in m ? '—' : m.label))).toEqual(['Open PCI Maintenance', expect.stringMatching(/^Last backup: .*, OK$/), 'Back up now', 'Schedules and maintenance', '—', 'Quit (schedules stop)']);
    expect(menu[2]).toMatchObject({ enabled: true, action: { backup: 'Office' } });
    expect(menu[1]).toMatchObject({ action: { open: '/runs/h1' } });
  });

  it('one entry per connection when there are several; disabled while a backup runs or with no connection', () => {
    expect(trayMenu({ lastBackup: null, profiles: ['A', 'B'], backupRunning: false })[2]).toMatchObject({ submenu: [{ label: 'A', action: { backup: 'A' } }, { label: 'B', action: { backup: 'B' } }] });
    expect(trayMenu({ lastBackup: null, profiles: ['A'], backupRunning: true })[2]).toMatchObject({ enabled: false });
    expect(trayMenu({ lastBackup: null, profiles: [], backupRunning: false })[2]).toMatchObject({ enabled: false, label: expect.stringContaining('set up a connection') });
    expect(lastBackupLine(null)).toBe('No backup yet');
    expect(lastBackupLine(item('failed'))).toMatch(/^Last backup failed: /);
  });
});
