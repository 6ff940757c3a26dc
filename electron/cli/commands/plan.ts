// `pci-maint plan --profile NAME`: the maintenance plan of a connection — what is due, what is overdue,
// each automated check's last result. `--run [--check ID]…` runs the automated checks now and exits 3
// ("found problems", the CLI's rule for a run that worked and found something) when a check gives a
// warning or a critical result. `--sign-off ID [--note TEXT]` marks a manual step as done.
import type { Command } from 'commander';
import type { PlanCheckResult, PlanItem, PlanView } from '../../../shared/api/plan';
import { summaryOf } from '../../../shared/api/job-summaries';
import { UserError } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { EXIT_PROBLEMS, type CliContext, type GlobalOptions } from '../context';
import { followJob } from '../jobs';
import { withEngine } from '../api';

const LEVEL_MARK: Record<PlanCheckResult['level'], string> = { ok: '✓', info: '·', warning: '!', critical: '✗', 'not-checked': '-' };
const STATE_WORD: Record<PlanItem['state'], string> = { due: 'due now', overdue: 'OVERDUE', done: 'done', off: 'switched off' };

interface Options {
  profile: string;
  run?: boolean;
  check?: string[];
  allowBlocking?: boolean;
  signOff?: string;
  note?: string;
}

function printResult(ctx: CliContext, r: PlanCheckResult, indent = '  '): void {
  ctx.io.out(`${indent}${LEVEL_MARK[r.level]} ${r.title}: ${r.summary}`);
  if (r.level === 'warning' || r.level === 'critical' || r.level === 'not-checked') {
    for (const d of r.details.slice(0, 8)) ctx.io.out(`${indent}    ${d}`);
    if (r.whatToDo) ctx.io.out(`${indent}    → ${r.whatToDo}`);
  }
}

function printPlan(ctx: CliContext, view: PlanView): void {
  ctx.io.out(`Maintenance plan of "${view.profile}" (${formatDateTime(view.generatedAt)})`);
  for (const frequency of ['daily', 'weekly', 'monthly'] as const) {
    const items = view.items.filter((i) => i.frequency === frequency);
    if (!items.length) continue;
    ctx.io.out(`\n${frequency[0].toUpperCase()}${frequency.slice(1)}`);
    for (const i of items) {
      const when = i.state === 'off' ? '' : i.dueAt ? ` (next ${formatDateTime(i.dueAt)})` : i.lastDoneAt ? '' : ' (never done)';
      const mark = i.state === 'overdue' ? '✗' : i.state === 'due' ? '!' : i.state === 'off' ? '-' : '✓';
      ctx.io.out(`  ${mark} ${i.title} [${i.id}${i.kind === 'manual' ? ', manual' : ''}]: ${STATE_WORD[i.state]}${when}`);
      if (i.lastResult) ctx.io.out(`      last result ${formatDateTime(i.lastResult.at)}: ${LEVEL_MARK[i.lastResult.level]} ${i.lastResult.summary}`);
      if (i.lastSignOff) ctx.io.out(`      signed off ${formatDateTime(i.lastSignOff.at)}${i.lastSignOff.note ? `: ${i.lastSignOff.note}` : ''}`);
    }
  }
  ctx.io.out(`\n${view.dueCount} item${view.dueCount === 1 ? '' : 's'} due${view.overdueCount ? `, ${view.overdueCount} of them overdue` : ''}.`);
}

export function registerPlan(program: Command, ctx: CliContext): void {
  program
    .command('plan')
    .description('the maintenance plan of a connection: what is due and each check’s last result; --run runs the checks (exit 3 on a problem)')
    .requiredOption('--profile <name>', 'the connection')
    .option('--run', 'run the automated checks now')
    .option('--check <id...>', 'with --run: only these checks (ids as listed)')
    .option('--allow-blocking', 'with --run: the database verification may block collections on a replica-set primary (use in the maintenance window)')
    .option('--sign-off <id>', 'mark a manual step as done')
    .option('--note <text>', 'with --sign-off: what was done or found', '')
    .action(async (o: Options, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const json = Boolean(globals.json);
      await withEngine(ctx, globals, async (engine, api) => {
        if (o.signOff) {
          const view = await api.plan.signOff({ profile: o.profile, item: o.signOff, note: o.note ?? '' });
          if (json) ctx.io.out(JSON.stringify(view));
          else ctx.io.out(`Signed off "${view.items.find((i) => i.id === o.signOff)?.title ?? o.signOff}".`);
          return;
        }
        if (!o.run) {
          const view = await api.plan.get({ profile: o.profile });
          if (json) ctx.io.out(JSON.stringify(view));
          else printPlan(ctx, view);
          return;
        }
        const job = await followJob(engine, await api.plan.run({ profile: o.profile, checks: o.check, allowBlocking: o.allowBlocking === true }), !json && ctx.io.isTTY);
        const summary = summaryOf(job, 'plan');
        if (!summary) throw job.error ? UserError.fromData(job.error) : new Error('The plan checks ended without a result.');
        if (summary.results.some((r) => r.level === 'warning' || r.level === 'critical')) ctx.exitCode = EXIT_PROBLEMS;
        if (json) {
          ctx.io.out(JSON.stringify({ status: job.status, ...summary }));
          return;
        }
        ctx.io.out(`Maintenance plan checks of "${summary.profile}":`);
        for (const r of summary.results) printResult(ctx, r);
        const bad = summary.results.filter((r) => r.level === 'warning' || r.level === 'critical').length;
        ctx.io.out(bad ? `\n${bad} check${bad === 1 ? '' : 's'} found something to do.` : '\nNothing needs doing.');
      });
    });
}
