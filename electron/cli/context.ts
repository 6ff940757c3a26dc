// What every CLI command works with (the program passes it in): output, the version, the engine on
// the chosen data folder, exit codes. Its own module, so that commands and the program that loads
// them do not import each other.
import type { Engine } from '../core/engine';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** The job ran fine and found problems (job status 'problems'): not "all good", not "could not run". */
export const EXIT_PROBLEMS = 3;

export interface GlobalOptions {
  home?: string;
  json?: boolean;
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  isTTY: boolean;
}

/** What a command answers in place of the desktop app's dialogs: the paths it was given. */
export interface CliPorts {
  dialogs?: NonNullable<Engine['dialogs']>;
}

export interface CliContext {
  io: CliIo;
  version: string;
  /**
   * Open the engine on the data folder chosen by --home / PCI_MAINT_HOME / the OS default. A command
   * may stand in for a desktop dialog (`bundle --out FILE` is the answer to "where to save?").
   */
  openEngine(globals: GlobalOptions, mode?: 'cli' | 'browser', ports?: CliPorts): Engine;
  /** Loads what openEngine needs (the engine, the log writer); done before a command's module runs. */
  preload(): Promise<void>;
  /** Set by commands that ran but whose operation failed (exit 1). */
  exitCode: number;
}

export async function printError(ctx: CliContext, err: unknown, json: boolean | undefined): Promise<void> {
  // Loaded here, not at start: shared/errors brings zod, which `pci-maint --help` does not need.
  const { toUserErrorData } = await import('../../shared/errors');
  const data = toUserErrorData(err);
  if (json) ctx.io.out(JSON.stringify({ ok: false, error: data }));
  else ctx.io.err(`Error: ${data.message}\n${data.hint}`);
}
