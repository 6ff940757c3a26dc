// The implementation of every contract method. Hosts call `dispatch`, which validates input and
// output with the contract's schemas and turns every failure into UserError data.
import { contract, type Contract, type Envelope, isMethodName } from '../../shared/contract';
import { toUserErrorData, userError } from '../../shared/errors';
import type { HandlerDeps } from './api/types';

import { coreHandlers } from './api/core-handlers';
import { profileHandlers } from './api/profile-handlers';
import { healthHandlers } from './api/health-handlers';
import { dialogHandlers } from './api/dialog-handlers';
import { backupHandlers } from './api/backup-handlers';
import { verifyHandlers } from './api/verify-handlers';
import { checkHandlers } from './api/check-handlers';
import { exportHandlers } from './api/export-handlers';
import { restoreHandlers } from './api/restore-handlers';
import { checklistHandlers } from './api/checklist-handlers';
import { bundleHandlers } from './api/bundle-handlers';
import { scheduleHandlers } from './api/schedule-handlers';
import { maintenanceHandlers } from './api/maintenance-handlers';
import { drillHandlers } from './api/drill-handlers';
import { planHandlers } from './api/plan-handlers';
import { triggerHandlers } from './api/trigger-handlers';
import { retentionHandlers } from './api/retention-handlers';
import type { HandlersFor } from './api/types';

export type Handlers = HandlersFor<Contract>;

/** Every contract method's implementation; the type makes a missing one a compile error. */
export function createHandlers(engine: HandlerDeps): Handlers {
  return {
    ...coreHandlers(engine),
    ...profileHandlers(engine),
    ...healthHandlers(engine),
    ...dialogHandlers(engine),
    ...backupHandlers(engine),
    ...verifyHandlers(engine),
    ...checkHandlers(engine),
    ...exportHandlers(engine),
    ...restoreHandlers(engine),
    ...checklistHandlers(engine),
    ...bundleHandlers(engine),
    ...scheduleHandlers(engine),
    ...maintenanceHandlers(engine),
    ...drillHandlers(engine),
    ...planHandlers(engine),
    ...triggerHandlers(engine),
    ...retentionHandlers(engine),
  };
}

/** Validate, run, validate: the single path by which every host reaches a handler. */
export async function dispatch(engine: Pick<HandlerDeps, 'log' | 'secrets'> & { handlers: Handlers }, name: unknown, input: unknown): Promise<Envelope<unknown>> {
  try {
    if (!isMethodName(name)) throw userError('INVALID_INPUT', 'Unknown request', 'The app asked for something this version does not know.', 'Restart the app. If it keeps happening, update it.');
    const spec = contract[name];
    const parsed = spec.input.safeParse(input ?? {});
    if (!parsed.success) {
      // Name the values (not what they were: a value can be a secret), so the CLI's reader knows which.
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || 'the request'))].slice(0, 5).join(', ');
      throw userError('INVALID_INPUT', 'Invalid request', `Some of the values sent were not valid: ${fields}.`, 'Check what you entered and try again.', parsed.error.message);
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
