// What the database checks share: reaching the connection's MongoDB (a check that cannot reach it
// says so instead of failing the run) and telling "not allowed" apart from other answers.
import type { MongoHandle } from '../../profiles/open';
import { toUserErrorData } from '../../../../shared/errors';
import type { PlanCheckResult } from '../../../../shared/api/plan';
import { result, type CheckContext, type PlanCheck } from '../types';

/** MongoDB's "Unauthorized": the user of this connection lacks a privilege. */
export function isUnauthorized(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 13;
}

/** The connection's MongoDB, or the result to report when it cannot be reached (critical for `onDown`, else not-checked). */
export async function reachMongo(check: PlanCheck, ctx: CheckContext, onDown: 'critical' | 'not-checked'): Promise<MongoHandle | PlanCheckResult> {
  try {
    return await ctx.mongo();
  } catch (err) {
    ctx.signal.throwIfAborted();
    const e = toUserErrorData(err);
    return result(check, ctx, onDown, onDown === 'critical' ? `MongoDB cannot be reached: ${e.message}` : `Not checked: MongoDB cannot be reached (${e.message.replace(/\.$/, '')}).`, { whatToDo: e.hint });
  }
}

export function isResult(x: MongoHandle | PlanCheckResult): x is PlanCheckResult {
  return 'level' in x;
}

export const num = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : v && typeof (v as { toNumber?: unknown }).toNumber === 'function' ? (v as { toNumber(): number }).toNumber() : NaN;
  return Number.isFinite(n) ? n : null;
};
