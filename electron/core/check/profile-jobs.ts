// The storage check for a saved profile, as a job: connect MongoDB and R2 (nothing else), compare, and
// keep the summary in history and the full list as a CSV file in the data folder's reports/.
import fs from 'node:fs';
import path from 'node:path';
import { ConsistencyResult } from '../../../shared/api/check';
import { userError, type UserError } from '../../../shared/errors';
import type { Job, OperationContext } from '../../../shared/jobs';
import type { Services } from '../services';
import type { JobSpec } from '../jobs/manager';
import { openProfile } from '../profiles/open';
import { checkConsistency } from './check';

/** How many items of each list the job summary (and so the history) keeps; the CSV file has all. */
export const SUMMARY_LIST_LIMIT = 200;
const MAX_CSV_BYTES = 20 * 1024 * 1024;

export function reportsDir(engine: Services): string {
  return path.join(engine.paths.home, 'reports');
}

export async function runCheck(engine: Services, name: string, ctx: OperationContext, csvFile: string | null): Promise<ConsistencyResult> {
  const profile = engine.profiles.get(name);
  const mapping = profile.fileRecords;
  if (!mapping) throw noMapping(name);
  ctx.onProgress({ phase: 'Connecting', message: name });
  const opened = await openProfile(engine, profile, { mongo: true, r2: true });
  const { mongo, r2 } = opened;
  try {
    if (csvFile) fs.mkdirSync(path.dirname(csvFile), { recursive: true, mode: 0o700 });
    const result = await checkConsistency(
      { mongo, r2, mapping, tmpDir: engine.paths.tmp },
      ctx,
      { csvFile, listLimit: SUMMARY_LIST_LIMIT },
    );
    ctx.log(result.ok ? 'info' : 'warn', `${result.records} records, ${result.objects} files: ${result.missing.count} missing, ${result.sizeMismatches.count} with another size, ${result.orphans.count} without a record, ${result.deletedWithObject.count} left over from deleted records.`);
    return result;
  } finally {
    await opened.close();
  }
}

/**
 * A check that ran to its end and found anything ends as "found problems": missing files or files of
 * another size are lost data, leftovers only waste space, and the message says which it is.
 */
export function consistencyFindings(r: ConsistencyResult): UserError | null {
  if (r.problems === 0) return null;
  const lost = r.missing.count + r.sizeMismatches.count;
  const leftovers = r.orphans.count + r.deletedWithObject.count;
  const parts = [
    r.missing.count ? plural(r.missing.count, 'file record points to a missing file', 'file records point to missing files') : '',
    r.sizeMismatches.count ? plural(r.sizeMismatches.count, 'file has another size than its record', 'files have another size than their records') : '',
    leftovers ? plural(leftovers, 'file is left over (no record, or a deleted record)', 'files are left over (no record, or deleted records)') : '',
  ].filter(Boolean);
  return userError(
    'PROBLEMS_FOUND',
    'Problems found',
    `The storage check found ${plural(r.problems, 'problem', 'problems')}: ${parts.join('; ')}.`,
    lost ? 'Open the storage check to see which files, and restore them from a backup.' : 'Nothing is lost: the leftovers only take space. Open the storage check to see them.',
  );
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function noMapping(name: string): UserError {
  return userError(
    'INVALID_INPUT',
    'File records not set up',
    `The connection "${name}" does not say which collection holds the file records.`,
    'Open Settings, edit the connection and use "Find file records", then run the check again.',
  );
}

/** A storage check as a job spec: the button, the CLI and the schedule start this same one. */
export function checkJob(engine: Services, name: string): JobSpec<ConsistencyResult> {
  const profile = engine.profiles.get(name);
  if (!profile.fileRecords) throw noMapping(profile.name);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const csvFile = path.join(reportsDir(engine), `storage-check-${stamp}.csv`);
  return {
    kind: 'consistency',
    title: `Storage check of "${profile.name}"`,
    profile: profile.name,
    // Findings are the check's result, not a failure of the job: the job fails only when it cannot run.
    run: (ctx) => runCheck(engine, profile.name, ctx, csvFile),
    findings: consistencyFindings,
  };
}

export function startCheckJob(engine: Services, name: string): Job {
  return engine.jobs.start(checkJob(engine, name));
}

/** The CSV file of a finished storage check, for a download in the UI. */
export function checkCsv(engine: Services, id: string): { fileName: string; csv: string } {
  const item = engine.history.get(id);
  const parsed = ConsistencyResult.safeParse(item.summary);
  const file = parsed.success ? parsed.data.csvFile : null;
  const dir = reportsDir(engine);
  // The path comes from our own history, but only files in reports/ are ever read back.
  if (item.kind !== 'consistency' || !file || path.dirname(path.resolve(file)) !== path.resolve(dir) || !fs.existsSync(file)) {
    throw userError('NOT_FOUND', 'List not found', 'The full list of this storage check is not available.', 'Run the storage check again.');
  }
  if (fs.statSync(file).size > MAX_CSV_BYTES) {
    throw userError('INVALID_INPUT', 'List too large', 'The full list is too large to download here.', `Open the file ${file} on this computer.`);
  }
  return { fileName: path.basename(file), csv: fs.readFileSync(file, 'utf8') };
}
