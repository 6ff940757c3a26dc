// Where the before-update wizard opens again: pure, from the saved update record.
import type { UpdateRecord } from '../../../shared/contract';

/**
 * The step of the before-update wizard to open at: where the person left it (every step is saved
 * in the record), not at "Versions" again. 0 versions, 1 checks, 2 confirmations, 3 ready.
 */
export function resumeStep(record: Pick<UpdateRecord, 'readyAt' | 'before' | 'fromVersion' | 'confirmations'>): number {
  if (record.readyAt) return 3;
  if (record.before && Object.values(record.confirmations).some(Boolean)) return 2;
  if (record.before || record.fromVersion) return 1;
  return 0;
}
