// The CLI reaches core the way the desktop window and the browser do: through the contract, in
// process — the same `dispatch` that checks the input, runs the handler, checks the output and
// redacts secrets from errors. Commands get the typed, throwing API (`api.backup.start(…)`) next to
// the engine, which they use only to follow a job's progress and to close.
import { buildBridge, unwrapBridge, type PciApi } from '../../shared/contract';
import { UserError } from '../../shared/errors';
import type { Engine } from '../core/engine';
import { dispatch } from '../core/handlers';
import type { CliContext, GlobalOptions } from './context';

/** The contract's API over `dispatch` on this engine; a failure is thrown as the UserError it carries. */
export function contractApi(engine: Engine): PciApi {
  const bridge = buildBridge(
    (name, input) => dispatch(engine, name, input),
    (listener) => engine.onEvent(listener),
  );
  return unwrapBridge(bridge, (envelope) => UserError.fromData(envelope.error));
}

/** Open the engine on the chosen data folder, run `fn` with it and the contract's API, close it. */
export async function withEngine(ctx: CliContext, globals: GlobalOptions, fn: (engine: Engine, api: PciApi) => Promise<void>): Promise<void> {
  const engine = ctx.openEngine(globals);
  try {
    await fn(engine, contractApi(engine));
  } finally {
    await engine.close();
  }
}
