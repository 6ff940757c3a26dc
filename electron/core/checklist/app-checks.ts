// Checks of PCI File Manager itself (checklist items 7): it answers at its health address, and the
// version installed is recorded — typed by the person, else read from the version file. Used before
// the update (the version you have now) and after it (the version you installed).
import type { ChecklistCheck } from '../../../shared/api/checklist';
import type { Profile } from '../../../shared/profile';
import { probeHealthUrl, readVersionFile } from './app-probe';
import { LABELS, fail, pass, warn } from './check';

export async function appCheck(profile: Profile, options: { phase: 'before' | 'after'; stopped: boolean; signal?: AbortSignal; timeoutMs?: number }): Promise<ChecklistCheck> {
  const url = profile.app.healthUrl;
  if (!url) {
    return warn('app', LABELS.app, 'No health address is set for PCI File Manager, so PCI Maintenance cannot see whether it runs.', 'Add its address under “PCI File Manager settings” (optional), or accept this warning and check it yourself.', 'settings');
  }
  const answer = await probeHealthUrl(url, { signal: options.signal, timeoutMs: options.timeoutMs });
  if (answer.ok) return pass('app', LABELS.app, `PCI File Manager answers at ${url} (HTTP ${answer.status}).`);
  if (options.phase === 'before' && options.stopped) return pass('app', LABELS.app, `PCI File Manager does not answer at ${url}: as expected, since you stopped it.`);
  if (options.phase === 'before') {
    return fail('app', LABELS.app, `PCI File Manager does not answer at ${url}: ${answer.problem}.`, 'Start PCI File Manager (or correct its address), then run the checks again. If you stopped it on purpose, tick “PCI File Manager is stopped” and run the checks again.', 'settings');
  }
  return fail('app', LABELS.app, `PCI File Manager does not answer at ${url} after the update: ${answer.problem}.`, 'Start it and look at its error log. If it does not start, roll back to the backup made before the update.', 'rollback');
}

/** The version check and the version it recorded (null when none is known). */
export async function versionCheck(profile: Profile, options: { phase: 'before' | 'after'; typed: string | null; previous?: string | null }): Promise<{ check: ChecklistCheck; version: string | null }> {
  const file = profile.app.versionFile ? await readVersionFile(profile.app.versionFile) : null;
  const version = options.typed?.trim() || file?.version || null;
  const source = options.typed?.trim() ? 'typed by you' : 'from its version file';
  if (options.phase === 'before') {
    if (!version) {
      const why = file?.problem ? ` (${file.problem})` : '';
      return { version, check: fail('version', LABELS.version, `The version of PCI File Manager you have now is not recorded${why}.`, 'Type it under “Version you have now” (PCI File Manager shows it on its About page), or set its version file.', 'settings') };
    }
    if (options.typed && file?.version && file.version !== options.typed.trim()) {
      return { version, check: warn('version', LABELS.version, `Recorded version ${version} (typed by you), but the version file says ${file.version}.`, 'Check which one is right; correct the typed version if needed.') };
    }
    return { version, check: pass('version', LABELS.version, `Version ${version} (${source}) is recorded as the version before the update.`) };
  }
  if (!version) return { version, check: fail('version', LABELS.version, 'The version installed by the update is not recorded.', 'Type it under “Version you installed”.') };
  if (options.previous && options.previous === version) {
    return { version, check: warn('version', LABELS.version, `The version is still ${version}, the same as before the update.`, 'Check that the update was installed (and that the version file was updated).') };
  }
  return { version, check: pass('version', LABELS.version, options.previous ? `Updated from ${options.previous} to ${version} (${source}).` : `Version ${version} (${source}) is recorded.`) };
}
