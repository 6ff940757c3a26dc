// The `pci-maint` command (DESIGN §1): cron-able, JSON output, exit codes 0 ok / 1 failed / 2 usage.
import { Command, CommanderError, Option } from 'commander';
import log from 'electron-log/node';
import { toUserErrorData, UserError } from '../../shared/errors';
import { createEngine, type Engine } from '../core/engine';
import { resolveHome } from '../core/paths';
import { appVersion } from '../core/app-root';
import { refuseEmptyValues } from './input';
import { logUnexpected } from './unexpected';
import { registerServe } from './commands/serve';
import { registerHistory } from './commands/history';
import { registerProfile } from './commands/profile';
import { registerHealth } from './commands/health';
import { registerBackup } from './commands/backup';
import { registerVerify } from './commands/verify';
import { registerExport } from './commands/export';
import { registerRestore } from './commands/restore';
import { registerChecklist } from './commands/checklist';
import { registerBundle } from './commands/bundle';
import { registerSchedule } from './commands/schedule';
import { registerMaintenance } from './commands/maintenance';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface GlobalOptions {
  home?: string;
  json?: boolean;
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  isTTY: boolean;
}

export interface CliContext {
  io: CliIo;
  version: string;
  /** Open the engine on the data folder chosen by --home / PCI_MAINT_HOME / the OS default. */
  openEngine(globals: GlobalOptions, mode?: 'cli' | 'browser'): Engine;
  /** Set by commands that ran but whose operation failed (exit 1). */
  exitCode: number;
}

export function printError(ctx: CliContext, err: unknown, json: boolean | undefined): void {
  const data = toUserErrorData(err);
  if (json) ctx.io.out(JSON.stringify({ ok: false, error: data }));
  else ctx.io.err(`Error: ${data.message}\n${data.hint}`);
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('pci-maint')
    .description('PCI Maintenance: backups, verification and safe updates for PCI File Manager.')
    .version(ctx.version, '-V, --version', 'print the version')
    .addOption(new Option('--home <dir>', 'data folder (default: PCI_MAINT_HOME or the OS app-data folder)'))
    .option('--json', 'print machine-readable JSON')
    .showHelpAfterError('(run "pci-maint --help" for usage)')
    .configureOutput({ writeOut: (s) => ctx.io.out(s.replace(/\n$/, '')), writeErr: (s) => ctx.io.err(s.replace(/\n$/, '')) })
    .exitOverride()
    .hook('preAction', (_program, command) => refuseEmptyValues(command));
  registerServe(program, ctx);
  registerHistory(program, ctx);
  registerProfile(program, ctx);
  registerHealth(program, ctx);
  registerBackup(program, ctx);
  registerVerify(program, ctx);
  registerExport(program, ctx);
  registerRestore(program, ctx);
  registerChecklist(program, ctx);
  registerBundle(program, ctx);
  registerSchedule(program, ctx);
  registerMaintenance(program, ctx);
  return program;
}

/** Run the CLI; resolves with the exit code instead of exiting, so tests can call it. */
export async function runCli(argv: string[], io?: Partial<CliIo>): Promise<number> {
  const ctx: CliContext = {
    io: { out: (t) => process.stdout.write(t + '\n'), err: (t) => process.stderr.write(t + '\n'), isTTY: Boolean(process.stdout.isTTY), ...io },
    version: appVersion(),
    exitCode: EXIT_OK,
    openEngine(globals, mode = 'cli') {
      const home = resolveHome({ flag: globals.home });
      return createEngine({ home, version: ctx.version, mode, logger: log });
    },
  };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
      return EXIT_USAGE;
    }
    if (!(err instanceof UserError)) logUnexpected(program.opts<GlobalOptions>().home, err);
    printError(ctx, err, program.opts<GlobalOptions>().json);
    return err instanceof UserError && err.code === 'INVALID_INPUT' ? EXIT_USAGE : EXIT_FAILED;
  }
}
