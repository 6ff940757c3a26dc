// `pci-maint schedule show|install|remove`: the system-scheduler entries (cron, systemd timer,
// Task Scheduler, launchd) that run a connection's schedules when the app is not running.
import type { Command } from 'commander';
import { OS_METHODS, OsMethod, ScheduleKind, SCHEDULE_KINDS, type OsPlan } from '../../../shared/api/schedule';
import { userError } from '../../../shared/errors';
import type { Engine } from '../../core/engine';
import { osInstall, osPlan, osRemove } from '../../core/schedule/os/plan';
import { methodsFor } from '../../core/schedule/os/system';
import type { CliContext, GlobalOptions } from '../context';
import { withEngine } from '../api';

interface Opts {
  profile: string;
  kind?: string;
  method?: string;
}

function parse(engine: Engine, o: Opts): { profile: string; kind: ScheduleKind | undefined; method: OsMethod } {
  const profile = engine.profiles.get(o.profile).name;
  const kind = o.kind === undefined ? undefined : ScheduleKind.safeParse(o.kind);
  if (kind && !kind.success) throw userError('INVALID_INPUT', 'Invalid kind', `"${o.kind}" is not something that can be scheduled.`, `Use one of: ${SCHEDULE_KINDS.join(', ')}.`);
  const available = methodsFor(engine.automation.sys.platform);
  const method = o.method === undefined ? available[0] : OsMethod.safeParse(o.method).data;
  if (!method || !available.includes(method)) {
    throw userError('INVALID_INPUT', 'Invalid method', `"${o.method}" cannot be used on this computer.`, `Use one of: ${available.join(', ')}.`);
  }
  return { profile, kind: kind?.data, method };
}

function print(ctx: CliContext, plan: OsPlan, only: OsMethod | null): void {
  ctx.io.out(`Run without the app: ${plan.kinds.length ? plan.kinds.join(', ') : 'nothing switched on'} of "${plan.profile}"`);
  ctx.io.out(`Command: ${plan.command}`);
  for (const m of plan.methods.filter((x) => !only || x.method === only)) {
    ctx.io.out(`\n== ${m.label}${m.installed.length ? ` (installed: ${m.installed.join(', ')})` : ''}`);
    for (const f of m.files) ctx.io.out(`\n# ${f.path}\n${f.text.replace(/\n$/, '')}`);
    if (m.commands.length) ctx.io.out(`\n${m.commands.map((c) => `$ ${c}`).join('\n')}`);
    if (m.note) ctx.io.out(`\n${m.note}`);
  }
  ctx.io.out('');
  for (const n of plan.notes) ctx.io.out(`Note: ${n}`);
}

export function registerSchedule(program: Command, ctx: CliContext): void {
  const schedule = program.command('schedule').description('run the schedules of a connection from the system scheduler (cron, systemd, Task Scheduler, launchd)');
  const common = (c: Command) =>
    c
      .requiredOption('--profile <name>', 'the connection')
      .option('--kind <kind>', `only this schedule (${SCHEDULE_KINDS.join(', ')}); default: every one that is switched on`)
      .option('--method <method>', `system scheduler (${OS_METHODS.join(', ')}); default: the usual one of this system`);

  common(schedule.command('show').description('print the exact entries for the system scheduler')).action(async (o: Opts, cmd: Command) => {
    const globals = cmd.optsWithGlobals<GlobalOptions>();
    await withEngine(ctx, globals, async (engine) => {
      const p = parse(engine, o);
      const plan = await osPlan(engine.automation.planDeps(), p.profile, p.kind);
      if (globals.json) ctx.io.out(JSON.stringify(plan));
      else print(ctx, plan, o.method ? p.method : null);
    });
  });

  common(schedule.command('install').description('install the entries for the current user (no admin rights needed)')).action(async (o: Opts, cmd: Command) => {
    const globals = cmd.optsWithGlobals<GlobalOptions>();
    await withEngine(ctx, globals, async (engine) => {
      const p = parse(engine, o);
      const plan = await osInstall(engine.automation.planDeps(), p.profile, p.kind, p.method);
      if (globals.json) ctx.io.out(JSON.stringify(plan));
      else {
        const m = plan.methods.find((x) => x.method === p.method);
        ctx.io.out(`Installed into ${m?.label ?? p.method}: ${m?.installed.join(', ') || 'nothing'} of "${p.profile}". PCI Maintenance leaves these runs to the system scheduler now.`);
      }
    });
  });

  common(schedule.command('remove').description('remove the entries again (the app then runs the schedules itself)')).action(async (o: Opts, cmd: Command) => {
    const globals = cmd.optsWithGlobals<GlobalOptions>();
    await withEngine(ctx, globals, async (engine) => {
      const p = parse(engine, o);
      const plan = await osRemove(engine.automation.planDeps(), p.profile, p.kind, p.method);
      if (globals.json) ctx.io.out(JSON.stringify(plan));
      else ctx.io.out(`Removed from ${p.method}: ${p.kind ?? 'every schedule'} of "${p.profile}". The app runs these schedules itself while it is open.`);
    });
  });
}
