// `pci-maint verify` and `pci-maint check`: prove a backup is complete and readable, and compare the
// file records in MongoDB with the files in R2. Exit 0 when all is well, 3 when problems were found,
// 1 when the check could not run, 2 for wrong usage; --json prints the result for scripts.
import fs from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { VerifyRequest, type VerifyResult } from '../../../shared/api/verify';
import { type ConsistencyResult } from '../../../shared/api/check';
import { userError } from '../../../shared/errors';
import { formatBytes, formatDateTime, formatDuration } from '../../../shared/format';
import { adviceFor } from '../../../shared/verify-words';
import { EXIT_PROBLEMS, type CliContext, type GlobalOptions } from '../context';
import { followJob, resultOf } from '../jobs';
import { withEngine } from '../api';
import { snapshotArg } from '../input';


function parseSample(text: string): number {
  const n = Number(text.trim().replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0.1 || n > 100) throw userError('INVALID_INPUT', 'Invalid sample', `"${text}" is not a percentage from 0.1 to 100.`, 'Use e.g. --sample 10%.');
  return n;
}

function printVerify(ctx: CliContext, r: VerifyResult): void {
  const when = r.snapshots.length === 1 && r.snapshots[0].createdAt ? `the backup from ${formatDateTime(r.snapshots[0].createdAt)}` : `${r.snapshots.length} backups`;
  const c = r.checked;
  ctx.io.out(`Checked ${when} in ${r.location} (${r.depth}${r.sample ? ` ${r.samplePercent} %` : ''}${r.testRestore ? ', with test restore' : ''}) in ${formatDuration(r.durationMs / 1000)}:`);
  ctx.io.out(`  ${c.entries.toLocaleString('en-US')} items, ${c.blobs.toLocaleString('en-US')} pieces of data present; ${c.blobsRead.toLocaleString('en-US')} read in full (${formatBytes(c.bytesRead)}), ${c.documents.toLocaleString('en-US')} documents parsed`);
  if (r.testRestore) ctx.io.out(`  test restore: ${c.restoredCollections} collections, ${c.restoredDocuments.toLocaleString('en-US')} documents`);
  for (const note of r.notes ?? []) ctx.io.out(`  ${note}`);
  if (r.sample) ctx.io.out(`  sample: ${r.sample.fromPercent} %–${r.sample.toPercent} % of the data this time; ${r.sample.coveredPercent} % covered in this round${r.sample.lastCompleteAt ? `, everything read by ${formatDateTime(r.sample.lastCompleteAt)}` : ''}`);
  if (r.ok) {
    ctx.io.out(r.depth === 'quick' ? 'Everything is there. (Run with --full to read and check every byte.)' : 'The backup is complete and readable.');
    return;
  }
  ctx.io.out(`\n${r.problemCount} ${r.problemCount === 1 ? 'problem' : 'problems'} found:`);
  for (const p of r.problems) {
    ctx.io.out(`  ${p.code.padEnd(16)} ${p.path ?? p.file ?? ''}${p.snapshotId ? `  (restore point ${p.snapshotId.slice(0, 8)}${p.blob ? `, data ${p.blob.slice(0, 12)}` : ''})` : ''}`);
    ctx.io.out(`  ${' '.repeat(16)} ${p.message}`);
  }
  if (r.problemCount > r.problems.length) ctx.io.out(`  … and ${r.problemCount - r.problems.length} more (see --json).`);
  ctx.io.out(`\nWhat to do: ${adviceFor(r.problems[0]?.code ?? 'missing')}`);
}

function printCheck(ctx: CliContext, r: ConsistencyResult): void {
  ctx.io.out(`Compared ${r.records.toLocaleString('en-US')} file records (${r.database}.${r.collection}) with ${r.objects.toLocaleString('en-US')} files (${formatBytes(r.objectBytes)}) in ${r.bucket}:`);
  const show = (title: string, list: { count: number; items: { key: string }[] }, extra?: string) => {
    ctx.io.out(`  ${String(list.count).padStart(6)}  ${title}${extra ?? ''}`);
    for (const item of list.items.slice(0, 10)) ctx.io.out(`            ${item.key}`);
    if (list.count > 10) ctx.io.out(`            … ${list.count - 10} more`);
  };
  show('records whose file is missing', r.missing);
  show('files whose size differs from the record', r.sizeMismatches);
  show('files no record points to', r.orphans, r.orphans.bytes ? ` (${formatBytes(r.orphans.bytes)})` : '');
  show('deleted records whose file is still there', r.deletedWithObject, r.deletedWithObject.bytes ? ` (${formatBytes(r.deletedWithObject.bytes)})` : '');
  if (r.recordsWithoutKey) ctx.io.out(`  ${String(r.recordsWithoutKey).padStart(6)}  records without a file key`);
  if (r.csvFile) ctx.io.out(`The full list: ${r.csvFile}`);
  ctx.io.out(r.ok ? 'No file is missing. (Nothing was changed or deleted.)' : 'Some files are missing: restore them from a backup, or ask whoever runs PCI File Manager. (Nothing was changed or deleted.)');
}

export function registerVerify(program: Command, ctx: CliContext): void {
  program
    .command('verify')
    .description('check that a backup is complete and readable (quick by default; --full reads everything)')
    .requiredOption('--profile <name>', 'the connection whose backups to check')
    .option('--snapshot <id>', 'a restore point id, "latest" (as for restore: the newest that is not a safety backup) or "all"', snapshotArg('latest', 'all'), 'latest')
    .option('--full', 'read, decrypt and hash every piece of data, and parse every database document')
    .option('--sample <percent>', 'read a rotating part of the data (e.g. 10%); repeated runs cover everything')
    .option('--test-restore', 'also restore the database into scratch collections of the same database, compare, and drop them')
    .action(async (opts: { profile: string; snapshot: string; full?: boolean; sample?: string; testRestore?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      if (opts.full && opts.sample) throw userError('INVALID_INPUT', 'Choose one', '--full and --sample cannot be used together.', 'Use --full to read everything, or --sample 10% to read a part.');
      const parsed = VerifyRequest.safeParse({
        profile: opts.profile,
        snapshot: opts.snapshot,
        depth: opts.full ? 'full' : opts.sample ? 'sampled' : 'quick',
        ...(opts.sample ? { samplePercent: parseSample(opts.sample) } : {}),
        testRestore: Boolean(opts.testRestore),
      });
      if (!parsed.success) throw userError('INVALID_INPUT', 'Invalid request', `These options are not valid: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`, 'Check the options and run the command again.');
      await withEngine(ctx, globals, async (engine, api) => {
        const job = await followJob(engine, await api.verify.start(parsed.data), !globals.json);
        const result = resultOf<VerifyResult>(job, 'verification');
        if (job.status === 'problems') ctx.exitCode = EXIT_PROBLEMS;
        if (globals.json) ctx.io.out(JSON.stringify(result));
        else printVerify(ctx, result);
      });
    });

  program
    .command('check')
    .description('compare the file records in MongoDB with the files in R2 (read-only)')
    .requiredOption('--profile <name>', 'the connection to check')
    .option('--csv <file>', 'also write the full list of findings to this CSV file')
    .action(async (opts: { profile: string; csv?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(ctx, globals, async (engine, api) => {
        const job = await followJob(engine, await api.check.start({ profile: opts.profile }), !globals.json);
        const result = resultOf<ConsistencyResult>(job, 'storage check');
        if (opts.csv && result.csvFile) {
          fs.copyFileSync(result.csvFile, opts.csv);
          result.csvFile = opts.csv;
        }
        // Any finding (missing files, or leftovers that only waste space) is "found problems": exit 3.
        if (job.status === 'problems') ctx.exitCode = EXIT_PROBLEMS;
        if (globals.json) ctx.io.out(JSON.stringify(result));
        else printCheck(ctx, result);
      });
    });
}
