// Handlers for the health dashboard.
import type { healthMethods } from '../../../shared/api/health';
import type { HandlerDeps } from './types';
import { healthReport } from '../health/health';
import { startBucketCount } from '../health/bucket-count';
import type { HandlersFor } from './types';
import { scrubSecrets } from './scrub';

export function healthHandlers(engine: HandlerDeps): HandlersFor<typeof healthMethods> {
  return {
    'health.get': async ({ profile }) => scrubSecrets(engine, await healthReport(engine, profile)),
    'health.countBucket': async ({ profile }) => startBucketCount(engine, profile),
  };
}
