// Handlers for the support bundle (shared/api/bundle.ts).
import type { bundleMethods } from '../../../shared/api/bundle';
import type { HandlerDeps } from './types';
import { buildBundle, bundlePreview, saveBundleAs, startPrepareJob } from '../bundle/bundle';
import type { HandlersFor } from './types';

export function bundleHandlers(engine: HandlerDeps): HandlersFor<typeof bundleMethods> {
  return {
    'bundle.prepare': async ({ includeNames }) => startPrepareJob(engine, { includeNames }),
    'bundle.preview': async ({ id }) => bundlePreview(engine, id),
    'bundle.build': async ({ id, exclude }) => buildBundle(engine, id, exclude),
    'bundle.saveAs': async ({ id }) => saveBundleAs(engine, id),
  };
}
