// The implementation of every contract method. Hosts call `dispatch`, which validates input and
// output with the contract's schemas and turns every failure into UserError data.
import type { z } from 'zod';
import { contract, type Contract, type Envelope, type MethodName, type MethodOutput, isMethodName } from '../../shared/contract';
import { toUserErrorData, userError } from '../../shared/errors';
import type { Engine } from './engine';

/** Each handler receives its input already parsed by the contract (defaults applied). */
type HandlerInput<M extends MethodName> = z.output<Contract[M]['input']>;
export type Handlers = { [M in MethodName]: (input: HandlerInput<M>) => Promise<MethodOutput<M>> };

export function createHandlers(engine: Engine): Handlers {
  return {
    'app.info': async () => engine.info,
    'jobs.list': async () => engine.jobs.list(),
    'jobs.get': async ({ id }) => engine.jobs.get(id),
    'jobs.cancel': async ({ id }) => engine.jobs.cancel(id),
    'history.list': async (query) => engine.history.list(query),
    'history.get': async ({ id }) => engine.history.get(id),
  };
}

/** Validate, run, validate: the single path by which every host reaches a handler. */
export async function dispatch(engine: Engine, name: unknown, input: unknown): Promise<Envelope<unknown>> {
  try {
    if (!isMethodName(name)) throw userError('INVALID_INPUT', 'Unknown request', 'The app asked for something this version does not know.', 'Restart the app. If it keeps happening, update it.');
    const spec = contract[name];
    const parsed = spec.input.safeParse(input ?? {});
    if (!parsed.success) {
      throw userError('INVALID_INPUT', 'Invalid request', 'Some of the values sent were not valid.', 'Check what you entered and try again.', parsed.error.message);
    }
    const handler = engine.handlers[name] as (i: unknown) => Promise<unknown>;
    const result = spec.output.parse(await handler(parsed.data));
    return { ok: true, result };
  } catch (err) {
    const data = toUserErrorData(err);
    if (data.code === 'INTERNAL') engine.log.scope('api').error(`${String(name)} failed:`, err);
    if (data.details) data.details = engine.secrets.redact(data.details);
    return { ok: false, error: { ...data, message: engine.secrets.redact(data.message) } };
  }
}
