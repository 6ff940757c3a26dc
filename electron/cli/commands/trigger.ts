// `pci-maint trigger create|list|revoke`: the trigger tokens an app uses to ask for a backup when
// something happens (POST /api/trigger/<connection>, answered by `pci-maint serve` and the desktop
// app). A token is printed once, when it is made; only its hash is kept.
import type { Command } from 'commander';
import type { TriggerList } from '../../../shared/api/trigger';
import { formatDateTime } from '../../../shared/format';
import type { CliContext, GlobalOptions } from '../context';
import { withEngine } from '../api';

function printList(ctx: CliContext, list: TriggerList): void {
  ctx.io.out(`Trigger tokens of "${list.profile}":`);
  if (list.tokens.length === 0) ctx.io.out(`  none. Make one with "pci-maint trigger create --profile ${JSON.stringify(list.profile)}".`);
  for (const t of list.tokens) ctx.io.out(`  ${t.id}  ${t.label.padEnd(20)}  made ${formatDateTime(t.createdAt)}  ${t.lastUsedAt ? `last used ${formatDateTime(t.lastUsedAt)}` : 'never used'}`);
  ctx.io.out(list.listeningAt ? `Triggers are answered at ${list.listeningAt}/api/trigger/…` : `Triggers are answered by "pci-maint serve" (its port) or by the desktop app on port ${list.port}.`);
}

export function registerTrigger(program: Command, ctx: CliContext): void {
  const trigger = program.command('trigger').description('tokens an app uses to ask for a backup when something happens (POST /api/trigger/<connection>)');

  trigger
    .command('create')
    .description('make a trigger token for a connection (printed once: keep it in the app that calls)')
    .requiredOption('--profile <name>', 'the connection')
    .option('--label <text>', 'what uses it, e.g. "gallery app"')
    .action(async (o: { profile: string; label?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(ctx, globals, async (_engine, api) => {
        const made = await api.trigger.create({ profile: o.profile, label: o.label });
        if (globals.json) return ctx.io.out(JSON.stringify(made));
        ctx.io.out(`Trigger token "${made.label}" (id ${made.id}) for "${made.profile}":\n\n  ${made.token}\n`);
        ctx.io.out('This is the only time it is shown: only a fingerprint of it is kept. Put it in the app that asks for backups, e.g. its hook:\n');
        ctx.io.out(`  ${made.hook}\n`);
        ctx.io.out('Add -d \'{"tag":"gallery-added"}\' to tag the restore point with what happened. Revoke it with "pci-maint trigger revoke".');
      });
    });

  trigger
    .command('list')
    .description('list the trigger tokens of a connection (never the tokens themselves)')
    .requiredOption('--profile <name>', 'the connection')
    .action(async (o: { profile: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(ctx, globals, async (_engine, api) => {
        const list = await api.trigger.list({ profile: o.profile });
        if (globals.json) ctx.io.out(JSON.stringify(list));
        else printList(ctx, list);
      });
    });

  trigger
    .command('revoke')
    .description('revoke a trigger token: calls with it are refused from now on')
    .requiredOption('--profile <name>', 'the connection')
    .requiredOption('--id <id>', 'the token id (see "pci-maint trigger list")')
    .action(async (o: { profile: string; id: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(ctx, globals, async (_engine, api) => {
        const list = await api.trigger.revoke({ profile: o.profile, id: o.id });
        if (globals.json) ctx.io.out(JSON.stringify(list));
        else {
          ctx.io.out(`Revoked trigger token ${o.id}.`);
          printList(ctx, list);
        }
      });
    });
}
