// macOS launchd: a LaunchAgent plist in ~/Library/LaunchAgents. launchd runs a StartCalendarInterval
// job that was missed during sleep when the Mac wakes up.
import path from 'node:path';
import { KIND_WORDS, shQuote, type Entry } from './entry';

export function launchdLabel(id: string): string {
  return `com.pci.maintenance.${id}`;
}

export function plistPath(homedir: string, id: string): string {
  return path.join(homedir, 'Library', 'LaunchAgents', `${launchdLabel(id)}.plist`);
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function plist(e: Entry): string {
  const args = e.argvs.length === 1 ? e.argvs[0] : ['/bin/sh', '-c', e.argvs.map((argv) => argv.map(shQuote).join(' ')).join(' && ')];
  const [hh, mm] = e.timing.time.split(':').map(Number);
  const when: Array<[string, number]> = [
    ['Hour', hh],
    ['Minute', mm],
    ...(e.timing.frequency === 'weekly' ? [['Weekday', e.timing.weekday] as [string, number]] : []),
    ...(e.timing.frequency === 'monthly' ? [['Day', e.timing.monthDay] as [string, number]] : []),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    `  <!-- PCI Maintenance: ${xml(KIND_WORDS[e.kind])} of "${xml(e.profile)}" -->`,
    '  <key>Label</key>',
    `  <string>${launchdLabel(e.id)}</string>`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...args.map((a) => `    <string>${xml(a)}</string>`),
    '  </array>',
    '  <key>StartCalendarInterval</key>',
    '  <dict>',
    ...when.flatMap(([k, v]) => [`    <key>${k}</key>`, `    <integer>${v}</integer>`]),
    '  </dict>',
    '  <key>ProcessType</key>',
    '  <string>Background</string>',
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}
