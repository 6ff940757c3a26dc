// Handlers for the maintenance plan (shared/api/plan.ts).
import type { PlanView, planMethods } from '../../../shared/api/plan';
import type { HandlerDeps, HandlersFor } from './types';
import { planView, signOffStep, startPlanJob } from '../plan/plan';
import { changePlanSettings, readPlanSettings } from '../plan/settings';
import { signOffHistory } from '../plan/store';

export function planHandlers(engine: HandlerDeps): HandlersFor<typeof planMethods> {
  const withNextRun = (view: PlanView): PlanView => ({ ...view, nextAutoRunAt: engine.automation.planNextRun(view.profile) });
  return {
    'plan.get': async ({ profile }) => withNextRun(planView(engine, profile)),
    'plan.run': async ({ profile, checks, allowBlocking }) => startPlanJob(engine, profile, checks, allowBlocking),
    'plan.signOff': async ({ profile, item, note }) => withNextRun(signOffStep(engine, profile, item, note)),
    'plan.signOffs': async ({ profile, item, limit }) => signOffHistory(engine, engine.profiles.get(profile).name, item, limit),
    'plan.settings': async ({ profile, publicUrl, items, autoRun }) => {
      const name = engine.profiles.get(profile).name;
      if (publicUrl === undefined && items === undefined && autoRun === undefined) return readPlanSettings(engine, name);
      const saved = await changePlanSettings(engine, name, { publicUrl, items, autoRun });
      if (autoRun !== undefined) engine.automation.planSettingsChanged(name);
      return saved;
    },
  };
}
