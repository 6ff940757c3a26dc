// `pci-maint checklist --profile NAME [--after]`: the automated checks of the pre-update checklist.
// Before the update (default) exit 3 (found problems) when not ready (a check failed; warnings are printed but do not
// block a script); --after compares with the baseline of the open update and exit 3 on any problem.
import fs from 'node:fs';
import type { Command } from 'commander';
import type { ChecklistCheck, ChecklistJobSummary, UpdateRecord } from '../../../shared/api/checklist';
import { userError } from '../../../shared/errors';
import type { Engine } from '../../core/engine';
import type { PciApi } from '../../../shared/contract';
import type { Job } from '../../../shared/jobs';
import { EXIT_PROBLEMS, type CliContext, type GlobalOptions } from '../context';
import { followJob, resultOf } from '../jobs';
import { withEngine } from '../api';

const MARK = { pass: '✓', warn: '!', fail: '✗', skipped: '·' } as const;

interface Options {
  profile: string;
  after?: boolean;
  fromVersion?: string;
  toVersion?: string;
  quietSeconds?: string;
  backup?: boolean;
  report?: string;
}

function printChecks(ctx: CliContext, checks: ChecklistCheck[]): void {
  for (const c of checks) {
    ctx.io.out(`${MARK[c.status]} ${c.label}`);
    ctx.io.out(`    ${c.message}`);
    if (c.status !== 'pass' && c.hint) ctx.io.out(`    → ${c.hint}`);
  }
}

async function run(engine: Engine, job: Promise<Job>, json: boolean): Promise<ChecklistJobSummary> {
  return resultOf<ChecklistJobSummary>(await followJob(engine, await job, !json), 'checklist');
}

function parseSeconds(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 1 || n > 600) throw userError('INVALID_INPUT', 'Invalid time', `"${text}" is not a number of seconds from 1 to 600.`, 'Use e.g. --quiet-seconds 30.');
  return n;
}

async function before(engine: Engine, api: PciApi, ctx: CliContext, o: Options, json: boolean): Promise<{ summary: ChecklistJobSummary; record: UpdateRecord }> {
  const input = { fromVersion: o.fromVersion, quietSeconds: parseSeconds(o.quietSeconds) };
  const record = await api.checklist.start({ profile: o.profile });
  let summary = await run(engine, api.checklist.runBefore({ id: record.id, ...input }), json);
  const backup = summary.checks.find((c) => c.id === 'backup');
  if (o.backup && backup?.status === 'fail') {
    if (!json) ctx.io.err('No recent verified backup: backing up and verifying now…');
    await run(engine, api.checklist.prepareBackup({ id: record.id }), json);
    summary = await run(engine, api.checklist.runBefore({ id: record.id, ...input }), json);
  }
  return { summary, record: await api.checklist.get({ id: record.id }) };
}

async function after(engine: Engine, api: PciApi, o: Options, json: boolean): Promise<{ summary: ChecklistJobSummary; record: UpdateRecord }> {
  const open = await api.checklist.current({ profile: o.profile });
  if (!open?.baseline) {
    throw userError('NOT_FOUND', 'No update to check', `No update of "${o.profile}" was prepared, so there is nothing to compare with.`, `Run "pci-maint checklist --profile ${o.profile}" before updating.`);
  }
  const summary = await run(engine, api.checklist.runAfter({ id: open.id, toVersion: o.toVersion }), json);
  // A good result closes the update; with problems it stays open, to be checked again after a rollback.
  const record = summary.ok ? await api.checklist.finish({ id: open.id }) : await api.checklist.get({ id: open.id });
  return { summary, record };
}

export function registerChecklist(program: Command, ctx: CliContext): void {
  program
    .command('checklist')
    .description('run the automated checks before updating PCI File Manager (exit 3 when not ready), or after it with --after')
    .requiredOption('--profile <name>', 'the connection to check')
    .option('--after', 'compare with the baseline recorded before the update')
    .option('--from-version <version>', 'the version of PCI File Manager installed now (else read from its version file)')
    .option('--to-version <version>', 'with --after: the version installed by the update')
    .option('--quiet-seconds <n>', 'also check that nothing writes to the database for this long (PCI File Manager stopped)')
    .option('--backup', 'when there is no recent verified backup, make one (tagged pre-update) and verify it')
    .option('--report <file>', 'also write the update record as a printable HTML page')
    .action(async (o: Options, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const json = Boolean(globals.json);
      await withEngine(ctx, globals, async (engine, api) => {
        const { summary, record } = o.after ? await after(engine, api, o, json) : await before(engine, api, ctx, o, json);
        if (!summary.ok) ctx.exitCode = EXIT_PROBLEMS;
        if (o.report) fs.writeFileSync(o.report, (await api.checklist.report({ id: record.id })).html, { mode: 0o644 });
        if (json) {
          ctx.io.out(JSON.stringify({ ok: summary.ok, phase: summary.phase, checks: summary.checks, record }));
          return;
        }
        ctx.io.out(o.after ? `After updating "${record.profile}" (${record.fromVersion ?? '?'} → ${record.toVersion ?? '?'}):` : `Before updating "${record.profile}":`);
        printChecks(ctx, summary.checks);
        const warnings = summary.checks.filter((c) => c.status === 'warn').length;
        if (o.after) {
          ctx.io.out(summary.ok ? '\nEverything is as before the update. The update record is closed.' : `\nProblems found. To roll back: pci-maint restore --profile "${record.profile}" --snapshot ${record.snapshotId ?? '<id>'} (or use the Restore wizard).`);
        } else {
          ctx.io.out(summary.ok ? `\nReady to update${warnings ? ` (read the ${warnings} warning${warnings === 1 ? '' : 's'} above)` : ''}. Before you start: read the release notes, tell the users, choose a maintenance window, stop PCI File Manager and have the new version at hand.` : '\nNot ready to update: fix what is marked ✗, then run this again.');
        }
        if (o.report) ctx.io.out(`Report: ${o.report}`);
      });
    });
}
