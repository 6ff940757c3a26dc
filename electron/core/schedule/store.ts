// schedules.json in the data folder: each connection's schedules (defaults until someone changes them)
// and the desktop app's "start at login" / "keep running in the tray" choices.
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_SCHEDULES, DesktopOptions, ProfileSchedules, type ScheduleKind } from '../../../shared/api/schedule';
import { SettingsFile } from './settings-file';

export const SCHEDULES_FILE = 'schedules.json';

const SchedulesFile = z.object({
  version: z.literal(1),
  profiles: z.record(z.string(), ProfileSchedules),
  desktop: DesktopOptions.default({ startAtLogin: false, keepRunningInTray: true }),
});
type SchedulesFile = z.infer<typeof SchedulesFile>;

export class ScheduleStore {
  private readonly settings: SettingsFile<typeof SchedulesFile>;

  constructor(home: string) {
    this.settings = new SettingsFile(path.join(home, SCHEDULES_FILE), SchedulesFile, () => SchedulesFile.parse({ version: 1, profiles: {} }), 'schedules');
  }

  get file(): string {
    return this.settings.file;
  }

  /** A connection's schedules; the defaults when none were saved. */
  get(profile: string): ProfileSchedules {
    return structuredClone(this.settings.read().profiles[profile] ?? DEFAULT_SCHEDULES);
  }

  all(): SchedulesFile {
    return this.settings.read();
  }

  set(profile: string, schedules: ProfileSchedules): Promise<ProfileSchedules> {
    return this.settings.change((data) => {
      data.profiles[profile] = ProfileSchedules.parse(schedules);
      return structuredClone(data.profiles[profile]);
    });
  }

  /** Who runs one kind: after an install into cron, the app stops running it itself. */
  setRunner(profile: string, kind: ScheduleKind, runner: ProfileSchedules[ScheduleKind]['runner']): Promise<void> {
    return this.settings.change((data) => {
      const current = data.profiles[profile] ?? structuredClone(DEFAULT_SCHEDULES);
      current[kind].runner = runner;
      data.profiles[profile] = current;
    });
  }

  desktop(): DesktopOptions {
    return this.settings.read().desktop;
  }

  setDesktop(options: DesktopOptions): Promise<DesktopOptions> {
    return this.settings.change((data) => {
      data.desktop = DesktopOptions.parse(options);
      return data.desktop;
    });
  }
}
