// The exact text "Run without the app" shows and installs: a cron line, systemd user units, a
// schtasks command (with its .cmd file when two commands run), a launchd plist.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULES, type ProfileSchedules } from '../../../shared/api/schedule';
import { cronLines, mergeCrontab } from '../../../electron/core/schedule/os/cron';
import { buildEntry } from '../../../electron/core/schedule/os/entry';
import { plist } from '../../../electron/core/schedule/os/launchd';
import { cmdScript, createArgs, schtasksCommand } from '../../../electron/core/schedule/os/schtasks';
import { serviceUnit, timerUnit } from '../../../electron/core/schedule/os/systemd';

const UNIX = { node: '/usr/bin/node', bin: '/opt/pci maint/bin/pci-maint.cjs', home: '/home/ann/.config/PCI Maintenance' };
const WIN = { node: 'C:\\Program Files\\nodejs\\node.exe', bin: 'C:\\pci\\bin\\pci-maint.cjs', home: 'C:\\Users\\ann\\AppData\\Roaming\\PCI Maintenance' };
const NODE_BIN = "/usr/bin/node '/opt/pci maint/bin/pci-maint.cjs' --home '/home/ann/.config/PCI Maintenance'";
const noPrune: ProfileSchedules = { ...DEFAULT_SCHEDULES, backup: { ...DEFAULT_SCHEDULES.backup, pruneAfter: false } };

describe('cron', () => {
  it('writes a marker and the daily backup followed by the clean-up', () => {
    expect(cronLines(buildEntry('backup', 'Office Main', DEFAULT_SCHEDULES, UNIX))).toEqual([
      '# pci-maint:backup-office-main-9df95eb5 backup of "Office Main" (added by PCI Maintenance)',
      `0 2 * * * ${NODE_BIN} backup --profile 'Office Main' --tag scheduled && ${NODE_BIN} prune --profile 'Office Main'`,
    ]);
  });

  it('writes the weekly full verification and the monthly variant', () => {
    expect(cronLines(buildEntry('verify', 'Office Main', DEFAULT_SCHEDULES, UNIX))[1]).toBe(`0 4 * * 0 ${NODE_BIN} verify --profile 'Office Main' --snapshot all --full`);
    const monthly: ProfileSchedules = { ...DEFAULT_SCHEDULES, check: { ...DEFAULT_SCHEDULES.check, frequency: 'monthly', monthDay: 15, time: '23:45' } };
    expect(cronLines(buildEntry('check', 'Office Main', monthly, UNIX))[1]).toBe(`45 23 15 * * ${NODE_BIN} check --profile 'Office Main'`);
  });

  it('escapes % (cron would cut the command there) and replaces only its own lines', () => {
    const odd = buildEntry('check', 'Office', DEFAULT_SCHEDULES, { ...UNIX, home: '/srv/100%/pci' });
    expect(cronLines(odd)[1]).toBe("0 5 * * 0 /usr/bin/node '/opt/pci maint/bin/pci-maint.cjs' --home /srv/100\\%/pci check --profile Office");
    const mine = cronLines(odd);
    const table = mergeCrontab('MAILTO=ann\n0 3 * * * /usr/local/bin/other-job\n', odd.id, mine);
    expect(table).toBe(`MAILTO=ann\n0 3 * * * /usr/local/bin/other-job\n${mine.join('\n')}\n`);
    expect(mergeCrontab(table, odd.id, null)).toBe('MAILTO=ann\n0 3 * * * /usr/local/bin/other-job\n');
  });
});

describe('systemd user timer', () => {
  it('writes a oneshot service with one ExecStart per command, and a persistent timer', () => {
    const e = buildEntry('backup', 'Office Main', DEFAULT_SCHEDULES, UNIX);
    expect(serviceUnit(e)).toBe(
      [
        '[Unit]',
        'Description=PCI Maintenance: backup of "Office Main"',
        '',
        '[Service]',
        'Type=oneshot',
        'ExecStart=/usr/bin/node "/opt/pci maint/bin/pci-maint.cjs" --home "/home/ann/.config/PCI Maintenance" backup --profile "Office Main" --tag scheduled',
        'ExecStart=/usr/bin/node "/opt/pci maint/bin/pci-maint.cjs" --home "/home/ann/.config/PCI Maintenance" prune --profile "Office Main"',
        '',
      ].join('\n'),
    );
    expect(timerUnit(buildEntry('verify', 'Office Main', DEFAULT_SCHEDULES, UNIX))).toBe(
      [
        '[Unit]',
        'Description=PCI Maintenance: verification of "Office Main", every Sunday at 04:00',
        '',
        '[Timer]',
        'OnCalendar=Sun *-*-* 04:00:00',
        'Persistent=true',
        '',
        '[Install]',
        'WantedBy=timers.target',
        '',
      ].join('\n'),
    );
  });
});

describe('Windows Task Scheduler', () => {
  it('creates a task with the command itself when it is one short command', () => {
    expect(schtasksCommand(createArgs(buildEntry('check', 'Office', DEFAULT_SCHEDULES, WIN)))).toBe(
      'schtasks /Create /F /TN "PCI Maintenance\\check-office-88a05d95" /SC WEEKLY /D SUN /ST 05:00 /TR "\\"C:\\Program Files\\nodejs\\node.exe\\" C:\\pci\\bin\\pci-maint.cjs --home \\"C:\\Users\\ann\\AppData\\Roaming\\PCI Maintenance\\" check --profile Office"',
    );
    expect(schtasksCommand(createArgs(buildEntry('backup', 'Office', noPrune, WIN)))).toBe(
      'schtasks /Create /F /TN "PCI Maintenance\\backup-office-88a05d95" /SC DAILY /ST 02:00 /TR "\\"C:\\Program Files\\nodejs\\node.exe\\" C:\\pci\\bin\\pci-maint.cjs --home \\"C:\\Users\\ann\\AppData\\Roaming\\PCI Maintenance\\" backup --profile Office --tag scheduled"',
    );
  });

  it('runs backup then clean-up from a .cmd file (schtasks takes at most 261 characters)', () => {
    const e = buildEntry('backup', 'Office', DEFAULT_SCHEDULES, WIN);
    expect(schtasksCommand(createArgs(e))).toBe(
      'schtasks /Create /F /TN "PCI Maintenance\\backup-office-88a05d95" /SC DAILY /ST 02:00 /TR "\\"C:\\Users\\ann\\AppData\\Roaming\\PCI Maintenance\\scheduler\\backup-office-88a05d95.cmd\\""',
    );
    expect(cmdScript(e)).toBe(
      [
        '@echo off',
        'rem PCI Maintenance: backup of "Office"',
        '"C:\\Program Files\\nodejs\\node.exe" C:\\pci\\bin\\pci-maint.cjs --home "C:\\Users\\ann\\AppData\\Roaming\\PCI Maintenance" backup --profile Office --tag scheduled || exit /b 1',
        '"C:\\Program Files\\nodejs\\node.exe" C:\\pci\\bin\\pci-maint.cjs --home "C:\\Users\\ann\\AppData\\Roaming\\PCI Maintenance" prune --profile Office',
        '',
      ].join('\r\n'),
    );
  });
});

describe('launchd', () => {
  it('writes a LaunchAgent with the arguments as an array and the weekday', () => {
    const weekly: ProfileSchedules = { ...noPrune, backup: { ...noPrune.backup, frequency: 'weekly', weekday: 1, time: '03:15' } };
    expect(plist(buildEntry('backup', 'Office & Co', weekly, UNIX))).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
        '<plist version="1.0">',
        '<dict>',
        '  <!-- PCI Maintenance: backup of "Office &amp; Co" -->',
        '  <key>Label</key>',
        '  <string>com.pci.maintenance.backup-office-co-2e1aa9e9</string>',
        '  <key>ProgramArguments</key>',
        '  <array>',
        '    <string>/usr/bin/node</string>',
        '    <string>/opt/pci maint/bin/pci-maint.cjs</string>',
        '    <string>--home</string>',
        '    <string>/home/ann/.config/PCI Maintenance</string>',
        '    <string>backup</string>',
        '    <string>--profile</string>',
        '    <string>Office &amp; Co</string>',
        '    <string>--tag</string>',
        '    <string>scheduled</string>',
        '  </array>',
        '  <key>StartCalendarInterval</key>',
        '  <dict>',
        '    <key>Hour</key>',
        '    <integer>3</integer>',
        '    <key>Minute</key>',
        '    <integer>15</integer>',
        '    <key>Weekday</key>',
        '    <integer>1</integer>',
        '  </dict>',
        '  <key>ProcessType</key>',
        '  <string>Background</string>',
        '</dict>',
        '</plist>',
        '',
      ].join('\n'),
    );
  });
});
