// The table of top-level commands (electron/cli/commands/index.ts) against the modules it loads lazily:
// `pci-maint --help` built from the table must print exactly what the fully loaded program prints.
import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_MODULES } from '../../../electron/cli/commands';
import { buildProgram, commandNamed, type CliContext } from '../../../electron/cli/program';

function context(out: string[]): CliContext {
  return {
    io: { out: (t) => out.push(t), err: (t) => out.push(t), isTTY: false },
    version: '0.0.0',
    exitCode: 0,
    openEngine: () => {
      throw new Error('not in this test');
    },
    preload: async () => {},
  };
}

async function fullProgram(ctx: CliContext): Promise<Command> {
  const program = new Command('pci-maint');
  for (const mod of COMMAND_MODULES) (await mod.load())(program, ctx);
  return program;
}

describe('the command table', () => {
  it('lists every top-level command of every module, in order, with its real summary and term', async () => {
    const ctx = context([]);
    const full = await fullProgram(ctx);
    const help = new Help();
    const real = full.commands.map((c) => ({ name: c.name(), term: help.subcommandTerm(c), summary: c.description() }));
    expect(COMMAND_MODULES.flatMap((m) => m.commands)).toEqual(real);
    // Each module registers exactly the commands the table says it does.
    for (const mod of COMMAND_MODULES) {
      const one = new Command('x');
      (await mod.load())(one, ctx);
      expect(one.commands.map((c) => c.name())).toEqual(mod.commands.map((c) => c.name));
    }
  });

  it('--help from the table prints what the fully loaded program prints', async () => {
    const lazyOut: string[] = [];
    const lazy = await buildProgram(context(lazyOut), ['--help']);
    expect(lazy.commands.every((c) => c.options.length === 0)).toBe(true); // stand-ins only: nothing loaded
    const eagerOut: string[] = [];
    const eager = await buildProgram(context(eagerOut), ['--help']);
    (eager.commands as Command[]).length = 0; // the same root program, with every module loaded instead
    for (const mod of COMMAND_MODULES) (await mod.load())(eager, context(eagerOut));
    await expect(lazy.parseAsync(['--help'], { from: 'user' })).rejects.toMatchObject({ code: 'commander.helpDisplayed' });
    await expect(eager.parseAsync(['--help'], { from: 'user' })).rejects.toMatchObject({ code: 'commander.helpDisplayed' });
    expect(lazyOut.join('\n')).toBe(eagerOut.join('\n'));
    expect(lazyOut.join('\n')).toContain('backup [options]');
  });

  it('finds the command after global options (and their values), and `help X` as X', async () => {
    const program = await buildProgram(context([]), []);
    expect(commandNamed(program, ['--help'])).toBeNull();
    expect(commandNamed(program, ['--home', 'backup', 'health', '--profile', 'x'])).toBe('health');
    expect(commandNamed(program, ['--json', '--home=/x', 'backup'])).toBe('backup');
    expect(commandNamed(program, ['help', 'restore'])).toBe('restore');
    expect(commandNamed(program, ['help'])).toBeNull();
  });

  it('loads the named command for real: its own help shows its options', async () => {
    const out: string[] = [];
    const program = await buildProgram(context(out), ['backup', '--help']);
    await expect(program.parseAsync(['backup', '--help'], { from: 'user' })).rejects.toMatchObject({ code: 'commander.helpDisplayed' });
    expect(out.join('\n')).toContain('--profile <name>');
  });
});
