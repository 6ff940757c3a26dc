// `pci-maint restore`: roll a connection back to a restore point. It always shows the plan first;
// then it asks for "RESTORE" on a terminal, and refuses (exit 2) without --yes anywhere else, so a
// script never restores by accident. Exit 0 restored and checked, 1 failed / incomplete / cancelled,
// 2 wrong usage or not confirmed. The passphrase comes from PCI_BACKUP_PASSPHRASE or the secret store.
import readline from 'node:readline/promises';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { RESTORE_CONFIRM_WORD, RestoreScope, confirmWordTyped, type RestoreSummary } from '../../../shared/api/restore';
import { userError, type UserErrorData } from '../../../shared/errors';
import { EXIT_FAILED, EXIT_USAGE, type CliContext, type GlobalOptions } from '../context';
import { followJob } from '../jobs';
import { commaList, snapshotArg, usageError } from '../input';
import { withEngine } from '../api';
import { planText, summaryText } from './restore-text';

interface RestoreOpts {
  profile: string;
  snapshot: string;
  only?: 'mongo' | 'r2' | 'files';
  collections?: string[];
  prefix: string[];
  to?: string;
  removeExtra?: boolean;
  safetySnapshot: boolean;
  dryRun?: boolean;
  yes?: boolean;
}

/** The parts to restore from the options: --collections / --prefix alone restore only what they name. */
export function scopeFrom(o: Pick<RestoreOpts, 'only' | 'collections' | 'prefix' | 'to'>): RestoreScope {
  const collections = o.collections ?? null; // never empty: refuseEmptyValues (input.ts) stops --collections ''
  const prefixes = o.prefix.length > 0 ? o.prefix : null;
  const narrowed = Boolean(collections || prefixes);
  const part = (name: 'mongo' | 'r2' | 'files', named: boolean) => (o.only ? o.only === name : narrowed ? named : true);
  const parsed = RestoreScope.safeParse({
    database: part('mongo', Boolean(collections)),
    collections,
    bucket: part('r2', Boolean(prefixes)),
    prefixes,
    folders: part('files', false),
    folderTarget: o.to ?? null,
  });
  // Too many or too long names are wrong usage too, never an unexpected error.
  if (!parsed.success) throw usageError(`These options are not valid: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`, 'Check --collections, --prefix and --to, then run the command again.');
  const scope = parsed.data;
  if (collections && !scope.database) throw usageError('--collections only applies to the database.', 'Leave out --only, or use --only mongo.');
  if (prefixes && !scope.bucket) throw usageError('--prefix only applies to the files in R2.', 'Leave out --only, or use --only r2.');
  return scope;
}

async function confirmed(ctx: CliContext): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`\nType ${RESTORE_CONFIRM_WORD} to roll back now (anything else stops here): `);
    return confirmWordTyped(answer);
  } finally {
    rl.close();
    ctx.io.err('');
  }
}

export function registerRestore(program: Command, ctx: CliContext): void {
  program
    .command('restore')
    .description('roll the database, the R2 bucket and the configuration folders back to a restore point (shows the plan first)')
    .requiredOption('--profile <name>', 'the connection to restore')
    .requiredOption('--snapshot <id>', 'the restore point, or "latest" (the newest backup of this connection that is not a safety backup)', snapshotArg('latest'))
    .addOption(new Option('--only <part>', 'restore one part only: mongo (database), r2 (files), files (configuration folders)').choices(['mongo', 'r2', 'files']))
    .option('--collections <names>', 'only these collections, comma-separated (restores only the database unless --only says otherwise)', commaList)
    .option('--prefix <prefix>', 'only files whose key starts with this (repeatable; restores only R2 unless --only says otherwise)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--to <folder>', 'write the configuration folders under this folder instead of their original places')
    .option('--remove-extra', 'also delete files in R2 that are not in the restore point (they are kept otherwise)')
    .option('--no-safety-snapshot', 'do not back up what exists now first (then the restore cannot be undone)')
    .option('--dry-run', 'only show the plan; change nothing')
    .option('--yes', 'do not ask for confirmation (required when not run in a terminal)')
    .action(async (opts: RestoreOpts, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const scope = scopeFrom(opts);
      await withEngine(ctx, globals, async (engine, api) => {
        // The plan as the app sees it (long lists shortened); the restore follows the full plan kept by the engine.
        const plan = await api.restore.plan({ profile: opts.profile, snapshot: opts.snapshot, scope });
        const print = (extra: Record<string, unknown>) => ctx.io.out(JSON.stringify({ plan, ...extra }));
        if (!globals.json) ctx.io.out(planText(plan).join('\n'));
        if (opts.dryRun) {
          if (globals.json) print({ ok: true, dryRun: true });
          else ctx.io.out('\nNothing was changed (dry run).');
          return;
        }
        // A full or read-only backup drive cannot take the safety backup: said before any confirmation.
        const obstacle: UserErrorData | null = opts.safetySnapshot ? (await api.restore.safetyObstacle({ profile: opts.profile })).obstacle : null;
        if (obstacle) {
          if (globals.json) print({ ok: false, error: obstacle });
          else ctx.io.err(`\nNot restored: ${obstacle.message}\n${obstacle.hint}`);
          ctx.exitCode = EXIT_USAGE;
          return;
        }
        if (!opts.yes && !(ctx.io.isTTY && process.stdin.isTTY && !globals.json)) {
          const refusal = usageError('A restore changes the database and the files, so it needs a confirmation.', 'Check the plan above, then run the command again with --yes.');
          if (globals.json) print({ ok: false, error: refusal.toJSON() });
          else ctx.io.err(`\nNot restored: ${refusal.message}\n${refusal.hint}`);
          ctx.exitCode = EXIT_USAGE;
          return;
        }
        if (!opts.yes && !(await confirmed(ctx))) {
          ctx.io.err('Not restored. Nothing was changed.');
          ctx.exitCode = EXIT_USAGE;
          return;
        }
        if (!opts.safetySnapshot && !globals.json) ctx.io.err('Warning: no safety backup will be made; this restore cannot be undone from a restore point of just before.');
        const job = await api.restore.start({ planId: plan.id, confirm: RESTORE_CONFIRM_WORD, removeExtra: Boolean(opts.removeExtra), safety: opts.safetySnapshot ? { mode: 'take' } : { mode: 'skip' } });
        const done = await followJob(engine, job, !globals.json);
        const summary = done.summary as RestoreSummary | null;
        if (done.status !== 'succeeded') ctx.exitCode = EXIT_FAILED;
        const error = done.status === 'canceled' ? userError('CANCELED', 'Cancelled', 'The restore was cancelled.', 'Every collection is either as it was or fully restored; see the summary. Run the command again to finish.').toJSON() : done.error;
        if (globals.json) {
          ctx.io.out(JSON.stringify({ ok: done.status === 'succeeded', jobId: done.id, status: done.status, summary, ...(error ? { error } : {}) }));
          return;
        }
        if (summary) ctx.io.out(`\n${summaryText(summary).join('\n')}`);
        if (error) ctx.io.err(`\nError: ${error.message}\n${error.hint}`);
        else ctx.io.out('\nDone. Start PCI File Manager again and check that it works.');
      });
    });
}
