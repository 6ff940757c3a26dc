// A context for running one maintenance-plan check in a test: real services on a temporary data
// folder (when given), targets as the test sets them, and a fixed or moving clock.
import type { CheckContext } from '../../electron/core/plan/types';
import type { PlanTargets } from '../../electron/core/plan/targets';
import type { MongoHandle } from '../../electron/core/profiles/open';
import type { Services } from '../../electron/core/services';

export function targets(partial: Partial<PlanTargets> = {}): PlanTargets {
  return { profile: 'Office', healthUrl: null, certificateUrl: null, database: 'pcifm', fileRecords: null, folders: [], backupMaxAgeHours: 26, ...partial };
}

export function checkContext(partial: Partial<Omit<CheckContext, 'targets'>> & { targets?: Partial<PlanTargets> } = {}): CheckContext {
  const { targets: t, ...rest } = partial;
  return {
    services: undefined as unknown as Services,
    options: {},
    now: () => Date.now(),
    signal: new AbortController().signal,
    log: () => undefined,
    mongo: async (): Promise<MongoHandle> => {
      throw new Error('no MongoDB in this test');
    },
    ...rest,
    targets: targets(t),
  };
}
