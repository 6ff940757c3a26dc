// The top-level `pci-maint` commands: what `pci-maint --help` lists, and the module that defines each.
// A module is loaded only when one of its commands runs, so `--help` loads no engine, driver or SDK
// (issue 13: start-up time). test/unit/cli/command-table.test.ts checks this table against the modules.
import type { Command } from 'commander';
import type { CliContext } from '../context';

export type RegisterCommands = (program: Command, ctx: CliContext) => void;

export interface CommandModule {
  /** Its top-level commands as `--help` lists them: name, then the term shown (name [options]…). */
  commands: readonly { name: string; term: string; summary: string }[];
  load: () => Promise<RegisterCommands>;
}

const cmd = (name: string, summary: string, options = true) => ({ name, term: options ? `${name} [options]` : name, summary });

export const COMMAND_MODULES: readonly CommandModule[] = [
  { commands: [cmd('serve', 'serve the app in a browser on 127.0.0.1 (prints an address with an access token)')], load: async () => (await import('./serve')).registerServe },
  { commands: [cmd('history', 'list past operations (newest first)')], load: async () => (await import('./history')).registerHistory },
  { commands: [cmd('profile', 'connection profiles: one per application (PCI File Manager, a SQLite app, …)', false)], load: async () => (await import('./profile')).registerProfile },
  { commands: [cmd('health', 'backups, MongoDB and R2 (when the connection has them) and the backup location of a connection at a glance')], load: async () => (await import('./health')).registerHealth },
  {
    commands: [
      cmd('backup', 'back up the database, the R2 bucket and the configuration folders of a connection'),
      cmd('snapshots', 'list the restore points in the backup location of a connection (newest first)'),
      cmd('prune', 'forget restore points the retention rules do not keep, and delete data no restore point needs'),
      cmd('retention', 'how long the restore points of a connection are kept (used by every clean-up)', false),
    ],
    load: async () => (await import('./backup')).registerBackup,
  },
  {
    commands: [cmd('verify', 'check that a backup is complete and readable (quick by default; --full reads everything)'), cmd('check', 'compare the file records in MongoDB with the files in R2 (read-only)')],
    load: async () => (await import('./verify')).registerVerify,
  },
  {
    commands: [cmd('export', 'write a restore point out as a mongodump folder plus files (or one zip); never overwrites'), cmd('import-mongodump', 'make a restore point from an existing mongodump folder (plain or --gzip) or --archive file')],
    load: async () => (await import('./export')).registerExport,
  },
  { commands: [cmd('restore', 'roll the database, the R2 bucket and the configuration folders back to a restore point (shows the plan first)')], load: async () => (await import('./restore')).registerRestore },
  { commands: [cmd('drill', 'restore a backup into scratch places (nothing live is touched), check it, time it, and remove it again')], load: async () => (await import('./drill')).registerDrill },
  { commands: [cmd('checklist', 'run the automated checks before updating PCI File Manager (exit 3 when not ready), or after it with --after')], load: async () => (await import('./checklist')).registerChecklist },
  { commands: [cmd('bundle', 'write a support bundle (logs, history, diagnostics; secrets removed) for whoever helps you')], load: async () => (await import('./bundle')).registerBundle },
  { commands: [cmd('trigger', 'tokens an app uses to ask for a backup when something happens (POST /api/trigger/<connection>)', false)], load: async () => (await import('./trigger')).registerTrigger },
  { commands: [cmd('schedule', 'run the schedules of a connection from the system scheduler (cron, systemd, Task Scheduler, launchd)', false)], load: async () => (await import('./schedule')).registerSchedule },
  { commands: [cmd('plan', 'the maintenance plan of a connection: what is due and each check’s last result; --run runs the checks (exit 3 on a problem)')], load: async () => (await import('./plan')).registerPlan },
  { commands: [cmd('maintenance', "maintenance of PCI Maintenance itself (logs, temporary files, stale locks, restore leftovers, history) and rotation of the connected apps' log files", false)], load: async () => (await import('./maintenance')).registerMaintenance },
];

/** The module that defines a top-level command, or undefined for an unknown name. */
export function moduleOf(name: string | null): CommandModule | undefined {
  return name === null ? undefined : COMMAND_MODULES.find((m) => m.commands.some((c) => c.name === name));
}
