// `pci-maint history`: what the app did, newest first.
import type { Command } from 'commander';
import { JobKind, JobStatus } from '../../../shared/jobs';
import { userError } from '../../../shared/errors';
import type { CliContext, GlobalOptions } from '../context';

export function registerHistory(program: Command, ctx: CliContext): void {
  program
    .command('history')
    .description('list past operations (newest first)')
    .option('--limit <n>', 'how many to show', '20')
    .option('--kind <kind>', `only this kind (${JobKind.options.join(', ')})`)
    .option('--status <status>', `only this status (${JobStatus.options.join(', ')})`)
    .action(async (opts: { limit: string; kind?: string; status?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const limit = Number(opts.limit);
      const kind = opts.kind === undefined ? undefined : JobKind.safeParse(opts.kind);
      const status = opts.status === undefined ? undefined : JobStatus.safeParse(opts.status);
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw userError('INVALID_INPUT', 'Invalid limit', `"${opts.limit}" is not a number from 1 to 200.`, 'Use e.g. --limit 20.');
      if (kind && !kind.success) throw userError('INVALID_INPUT', 'Invalid kind', `"${opts.kind}" is not a kind of operation.`, `Use one of: ${JobKind.options.join(', ')}.`);
      if (status && !status.success) throw userError('INVALID_INPUT', 'Invalid status', `"${opts.status}" is not a status.`, `Use one of: ${JobStatus.options.join(', ')}.`);
      const engine = ctx.openEngine(globals);
      try {
        const page = engine.history.list({ limit, kind: kind?.data, status: status?.data });
        if (globals.json) {
          ctx.io.out(JSON.stringify(page));
          return;
        }
        if (page.items.length === 0) {
          ctx.io.out('No operations yet. Run a backup to start the history.');
          return;
        }
        for (const item of page.items) {
          const when = item.startedAt.replace('T', ' ').slice(0, 19);
          const took = item.durationMs === null ? '' : ` (${Math.round(item.durationMs / 1000)} s)`;
          ctx.io.out(`${when}  ${item.status.padEnd(9)}  ${item.kind.padEnd(11)}  ${item.title}${took}${item.error ? ` — ${item.error.message}` : ''}`);
        }
        if (page.total > page.items.length) ctx.io.out(`… ${page.total - page.items.length} older; use --limit to see more.`);
      } finally {
        await engine.close();
      }
    });
}
