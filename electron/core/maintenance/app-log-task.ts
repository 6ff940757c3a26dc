// The "Rotate the app's log files" maintenance task: which log files each connection has (its
// `app-logs` sources) and what the rotation did, said in one sentence per connection.
import path from 'node:path';
import { formatBytes } from '../../../shared/format';
import type { OperationContext } from '../../../shared/jobs';
import { AppLogsConfig, rotateAppLogs, type RotationResult } from './app-log-rotation';
import type { RotationHook } from './app-log-archive';

export interface AppLogTarget {
  profile: string;
  config: AppLogsConfig;
}

/**
 * The `app-logs` sources of saved profiles, read defensively: a profile from before sources existed
 * has none, and a source that does not parse is reported instead of guessed at.
 */
export function appLogTargets(profiles: readonly unknown[]): { targets: AppLogTarget[]; invalid: string[] } {
  const targets: AppLogTarget[] = [];
  const invalid: string[] = [];
  for (const p of profiles) {
    const { name, sources } = (p ?? {}) as { name?: unknown; sources?: unknown };
    if (!Array.isArray(sources)) continue;
    for (const source of sources as unknown[]) {
      if ((source as { kind?: unknown } | null)?.kind !== 'app-logs') continue;
      const parsed = AppLogsConfig.safeParse(source);
      if (parsed.success) targets.push({ profile: String(name), config: parsed.data });
      else invalid.push(String(name));
    }
  }
  return { targets, invalid };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One sentence (without the connection's name) of what a rotation did. */
export function rotationSentence(r: RotationResult, keepDays: number): string {
  const parts: string[] = [];
  const inPlace = r.rotated.filter((x) => x.method === 'in-place');
  const copied = r.rotated.filter((x) => x.method === 'copy-truncate');
  if (r.rotated.length === 0) parts.push('no log file rotated');
  else {
    const how = copied.length === 0 ? ' in place, nothing lost' : inPlace.length === 0 ? ' by copy and truncate' : '';
    parts.push(`rotated ${plural(r.rotated.length, 'log file')}${how} (${formatBytes(r.bytesArchived)} archived)`);
  }
  if (copied.length) {
    const reasons = [...new Set(copied.map((c) => c.fallbackReason))].join('; ');
    parts.push(`${copied.map((c) => path.basename(c.file)).join(', ')} ${copied.length === 1 ? 'was' : 'were'} copied and emptied because ${reasons}: a few lines written in that instant may be lost`);
  }
  for (const u of r.unchanged) parts.push(`${path.basename(u.file)} left as it is (${u.reason})`);
  parts.push(r.archivesRemoved ? `removed ${plural(r.archivesRemoved, 'archive')} older than ${keepDays} days` : `no archive older than ${keepDays} days`);
  const sentence = parts.join('; ');
  const findings = r.findings.map((f) => f.message).filter((m, i, all) => all.indexOf(m) === i);
  return findings.length ? `${sentence}. Not rotated: ${findings.join(' ')}` : `${sentence}.`;
}

/** Rotate every target; each archive written goes to the job's log with its file names. */
export async function rotateAllAppLogs(targets: readonly AppLogTarget[], invalid: readonly string[], ctx: Pick<OperationContext, 'signal' | 'log'>, hook?: RotationHook): Promise<{ ok: boolean; did: string }> {
  const { signal } = ctx;
  const lines: string[] = invalid.map((p) => `${p}: the app log settings cannot be read; open the connection's settings and save them again.`);
  let ok = invalid.length === 0;
  for (const t of targets) {
    signal.throwIfAborted();
    const r = await rotateAppLogs(t.config, { signal, hook });
    for (const x of r.rotated) ctx.log('info', `${t.profile}: ${x.file} → ${x.archive} (${formatBytes(x.bytes)}, ${x.method === 'in-place' ? 'cut in place' : 'copied and emptied'})`);
    for (const f of r.findings) ctx.log('warn', `${t.profile}: ${f.message}`);
    if (r.findings.length) ok = false;
    lines.push(`${t.profile}: ${rotationSentence(r, t.config.keepDays ?? 7)}`);
  }
  if (lines.length === 0) return { ok: true, did: 'No connection has app log files to rotate.' };
  return { ok, did: lines.join(' ') };
}
