// The `pci-maint` command (DESIGN §1): cron-able, JSON output, exit codes 0 ok / 1 failed / 2 usage /
// 3 found problems (a check or verification ran to its end and found something wrong).
import { Command, CommanderError, Help, Option } from 'commander';
import { resolveHome } from '../core/paths';
import { appVersion } from '../core/app-root';
import { COMMAND_MODULES, moduleOf } from './commands';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, printError, type CliContext, type CliIo, type GlobalOptions } from './context';

export { EXIT_FAILED, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, printError, type CliContext, type CliIo, type GlobalOptions } from './context';

/**
 * The program for `argv`: the module of the command it names is loaded and registered for real; every
 * other top-level command is a one-line stand-in from the table, enough for `--help` and for
 * commander's "unknown command" suggestions. Loading everything would cost ~1 s at every start.
 */
export async function buildProgram(ctx: CliContext, argv: string[] = []): Promise<Command> {
  const program = new Command('pci-maint')
    .description('PCI Maintenance: backups, verification and safe updates for PCI File Manager.')
    .version(ctx.version, '-V, --version', 'print the version')
    .addOption(new Option('--home <dir>', 'data folder (default: PCI_MAINT_HOME or the OS app-data folder)'))
    .option('--json', 'print machine-readable JSON')
    .showHelpAfterError('(run "pci-maint --help" for usage)')
    .configureOutput({ writeOut: (s) => ctx.io.out(s.replace(/\n$/, '')), writeErr: (s) => ctx.io.err(s.replace(/\n$/, '')) })
    .exitOverride()
    .hook('preAction', async (_program, command) => (await import('./input')).refuseEmptyValues(command)); // loaded when a command runs (its errors bring the schema library)
  const wanted = moduleOf(commandNamed(program, argv));
  if (wanted) {
    const [register] = await Promise.all([wanted.load(), ctx.preload()]);
    register(program, ctx);
  }
  addStandIns(program, ctx, argv);
  return program;
}

/** The top-level command argv names (skipping global options and their values; `help X` names X). */
export function commandNamed(program: Command, argv: string[]): string | null {
  const takesValue = new Set(program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short]).filter(Boolean));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') return argv[i + 1] ?? null;
    if (arg.startsWith('-')) {
      if (takesValue.has(arg)) i++;
      continue;
    }
    return arg === 'help' ? (argv[i + 1] ?? null) : arg;
  }
  return null;
}

/** Stand-ins for the top-level commands not loaded. Should one run (argv the scan above misread), it loads its module and parses again. */
function addStandIns(program: Command, ctx: CliContext, argv: string[]): void {
  const loaded = new Set(program.commands.map((c) => c.name()));
  const terms = new Map<string, string>();
  for (const mod of COMMAND_MODULES) {
    for (const c of mod.commands) {
      if (loaded.has(c.name)) continue;
      terms.set(c.name, c.term);
      program
        .command(c.name)
        .description(c.summary)
        .helpOption(false)
        .allowUnknownOption()
        .allowExcessArguments()
        .action(async () => {
          await (await buildProgram(ctx, [c.name])).parseAsync(argv, { from: 'user' });
        });
    }
  }
  const help = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? help.subcommandTerm(cmd) });
}

/** Run the CLI; resolves with the exit code instead of exiting, so tests can call it. */
export async function runCli(argv: string[], io?: Partial<CliIo>): Promise<number> {
  let engineModule: { createEngine: typeof import('../core/engine').createEngine; log: typeof import('electron-log/node').default } | null = null;
  const ctx: CliContext = {
    io: { out: (t) => process.stdout.write(t + '\n'), err: (t) => process.stderr.write(t + '\n'), isTTY: Boolean(process.stdout.isTTY), ...io },
    version: appVersion(),
    exitCode: EXIT_OK,
    openEngine(globals, mode = 'cli', ports = {}) {
      if (!engineModule) throw new Error('openEngine before preload');
      const home = resolveHome({ flag: globals.home });
      return engineModule.createEngine({ home, version: ctx.version, mode, logger: engineModule.log, dialogs: ports.dialogs });
    },
    async preload() {
      const [{ createEngine }, { default: log }] = await Promise.all([import('../core/engine'), import('electron-log/node')]);
      engineModule = { createEngine, log };
    },
  };
  const program = await buildProgram(ctx, argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
      return EXIT_USAGE;
    }
    const { UserError } = await import('../../shared/errors');
    // Loaded only on this path: it opens the data folder's log (and the engine's log set-up).
    if (!(err instanceof UserError)) await (await import('./unexpected')).logUnexpected(program.opts<GlobalOptions>().home, err);
    await printError(ctx, err, program.opts<GlobalOptions>().json);
    return err instanceof UserError && err.code === 'INVALID_INPUT' ? EXIT_USAGE : EXIT_FAILED;
  }
}
