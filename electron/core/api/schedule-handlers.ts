// Handlers for schedules and notifications (shared/api/schedule.ts).
import type { scheduleMethods, ScheduleView } from '../../../shared/api/schedule';
import { blockedSchedules } from '../schedule/blocked';
import type { HandlerDeps } from './types';
import { osInstall, osPlan, osRemove } from '../schedule/os/plan';
import type { HandlersFor } from './types';

async function withBlocked(engine: HandlerDeps, view: Omit<ScheduleView, 'blocked'>): Promise<ScheduleView> {
  const { kinds, message } = await blockedSchedules(engine, view.profile);
  return { ...view, blocked: { kinds, message } };
}

export function scheduleHandlers(engine: HandlerDeps): HandlersFor<typeof scheduleMethods> {
  const a = () => engine.automation;
  const known = (profile: string) => engine.profiles.get(profile).name;
  return {
    'schedule.get': async ({ profile }) => withBlocked(engine, a().view(profile)),
    'schedule.set': async ({ profile, schedules }) => withBlocked(engine, await a().setSchedules(profile, schedules)),
    'schedule.setDesktop': async (options) => a().setDesktop(options),
    'schedule.osPlan': async ({ profile, kind }) => osPlan(a().planDeps(), known(profile), kind),
    'schedule.osInstall': async ({ profile, kind, method }) => osInstall(a().planDeps(), known(profile), kind, method),
    'schedule.osRemove': async ({ profile, kind, method }) => osRemove(a().planDeps(), known(profile), kind, method),
    'notify.get': async ({ profile }) => a().notify.view(known(profile)),
    'notify.set': async ({ profile, settings, webhookUrl, smtpPassword }) => a().notify.save(profile, settings, { webhookUrl, smtpPassword }),
    'notify.test': async ({ profile }) => a().notify.test(profile),
  };
}
