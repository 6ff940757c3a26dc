// Handlers for schedules and notifications (shared/api/schedule.ts).
import type { scheduleMethods } from '../../../shared/api/schedule';
import type { HandlerDeps } from './types';
import { osInstall, osPlan, osRemove } from '../schedule/os/plan';
import type { HandlersFor } from './types';

export function scheduleHandlers(engine: HandlerDeps): HandlersFor<typeof scheduleMethods> {
  const a = () => engine.automation;
  const known = (profile: string) => engine.profiles.get(profile).name;
  return {
    'schedule.get': async ({ profile }) => a().view(profile),
    'schedule.set': async ({ profile, schedules }) => a().setSchedules(profile, schedules),
    'schedule.setDesktop': async (options) => a().setDesktop(options),
    'schedule.osPlan': async ({ profile, kind }) => osPlan(a().planDeps(), known(profile), kind),
    'schedule.osInstall': async ({ profile, kind, method }) => osInstall(a().planDeps(), known(profile), kind, method),
    'schedule.osRemove': async ({ profile, kind, method }) => osRemove(a().planDeps(), known(profile), kind, method),
    'notify.get': async ({ profile }) => a().notify.view(known(profile)),
    'notify.set': async ({ profile, settings, webhookUrl, smtpPassword }) => a().notify.save(profile, settings, { webhookUrl, smtpPassword }),
    'notify.test': async ({ profile }) => a().notify.test(profile),
  };
}
