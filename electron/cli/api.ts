// The CLI reaches core the way the desktop window and the browser do: through the contract, in
// process — the same `dispatch` that checks the input, runs the handler, checks the output and
// redacts secrets from errors. Commands get the typed, throwing API (`api.backup.start(…)`) next to
// the engine, which they use only to follow a job's progress and to close.
import { buildBridge, unwrapBridge, type PciApi } from '../../shared/contract';
import { UserError } from '../../shared/errors';
import type { Engine } from '../core/engine';
import type { CliContext, CliPorts, GlobalOptions } from './context';

/** The contract's API over `dispatch` on this engine; a failure is thrown as the UserError it carries. */
export function contractApi(engine: Engine): PciApi {
  const bridge = buildBridge(
    // Loaded on the first call (the engine has loaded it by then): `pci-maint backup --help` needs none of core.
    async (name, input) => (await import('../core/handlers')).dispatch(engine, name, input),
    (listener) => engine.onEvent(listener),
  );
  return unwrapBridge(bridge, (envelope) => UserError.fromData(envelope.error));
}

/** Open the engine on the chosen data folder, run `fn` with it and the contract's API, close it. */
export async function withEngine(ctx: CliContext, globals: GlobalOptions, fn: (engine: Engine, api: PciApi) => Promise<void>, ports?: CliPorts): Promise<void> {
  const engine = ctx.openEngine(globals, 'cli', ports);
  try {
    await fn(engine, contractApi(engine));
  } finally {
    await engine.close();
  }
}
