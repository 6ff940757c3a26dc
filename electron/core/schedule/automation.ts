// Everything that happens without anyone clicking: the schedules of each connection, the nightly
// maintenance, notifications, and the "Run without the app" entries. The engine makes one; the
// desktop shell and `pci-maint serve` start its scheduler; a one-off command only gets notifications.
import { DEFAULT_MAINTENANCE, type MaintenanceOverview, type MaintenanceSettings } from '../../../shared/api/maintenance';
import { DEFAULT_SCHEDULES, SCHEDULE_KINDS, type DesktopOptions, type OsMethod, type ProfileSchedules, type ScheduleView } from '../../../shared/api/schedule';
import type { Services } from '../services';
import { maintenanceJob, maintenanceSettingsFile, maintenanceTaskViews } from '../maintenance/tasks';
import { planJob } from '../plan/plan';
import { readPlanSettings } from '../plan/settings';
import { logNotifier, NotificationService, type Notifier } from '../notify/service';
import { NOTIFY_SECRET_ENV, type SecretCipher } from '../notify/secrets';
import { defaultInvocation, type Invocation } from './os/entry';
import { reinstallChanged, type PlanDeps } from './os/plan';
import { currentSystem, type OsSystem } from './os/system';
import { fireBackup, fireCheck, fireVerify, scheduledSpec, startScheduled, type RunDeps } from './runs';
import { Scheduler, systemClock, systemTimer, type Clock, type ScheduledTask, type TimerPort } from './scheduler';
import { ScheduleState } from './state';
import { ScheduleStore } from './store';
import { describeTiming, systemTimeZone } from './times';
import { TriggerService } from '../trigger/service';

/** What only the desktop shell can do; absent in the CLI and browser mode. */
export interface ShellPorts {
  notifier?: Notifier;
  /** safeStorage, for the notification secrets. */
  secretCipher?: SecretCipher;
  /** app.setLoginItemSettings. */
  setStartAtLogin?: (on: boolean) => void;
}

export interface SchedulerStartOptions {
  clock?: Clock;
  timer?: TimerPort;
  timeZone?: string;
  /** The longest the timer sleeps between checks (default a minute). */
  maxSleepMs?: number;
}

const OVERDUE_EVERY_MS = 15 * 60_000;
const RUNNER_WORDS: Record<OsMethod, string> = { cron: 'cron', systemd: 'a systemd timer', schtasks: 'Task Scheduler', launchd: 'launchd' };

export class Automation {
  readonly schedules: ScheduleStore;
  readonly notify: NotificationService;
  readonly state: ScheduleState;
  /** Event-triggered backups: the tokens and the coalescing of triggers. */
  readonly triggers: TriggerService;
  /** The system scheduler and the pci-maint command it runs (tests point both elsewhere). */
  sys: OsSystem;
  invocation: Invocation;
  private scheduler: Scheduler | null = null;
  private clock: Clock = systemClock;
  private lastOverdueCheck = 0;
  private readonly detach: () => void;

  constructor(
    private readonly engine: Services,
    private readonly ports: ShellPorts = {},
  ) {
    // Like the connection secrets: values from the environment are known before anything could log them.
    engine.secrets.add(...Object.values(NOTIFY_SECRET_ENV).map((name) => engine.env[name]));
    this.schedules = new ScheduleStore(engine.paths.home);
    this.state = new ScheduleState(engine.historyDb);
    this.notify = new NotificationService(engine, ports.notifier ?? logNotifier(engine.log.scope('notify')), ports.secretCipher ?? null);
    this.detach = this.notify.attach();
    this.triggers = new TriggerService(engine);
    this.sys = currentSystem(engine.env);
    this.invocation = defaultInvocation(engine.paths.home, engine.env);
  }

  get schedulerRunning(): boolean {
    return this.scheduler?.isRunning ?? false;
  }

  /** Run the schedules in this process (desktop app, `pci-maint serve`). Resolves after the first check. */
  startScheduler(options: SchedulerStartOptions = {}): Promise<void> {
    if (this.scheduler) return this.scheduler.start();
    this.clock = options.clock ?? systemClock;
    this.scheduler = new Scheduler({
      clock: this.clock,
      timer: options.timer ?? systemTimer,
      timeZone: options.timeZone ?? systemTimeZone(),
      tasks: () => this.tasks(),
      state: this.state,
      log: this.engine.log.scope('schedule'),
      maxSleepMs: options.maxSleepMs,
      afterTick: (now) => {
        if (now - this.lastOverdueCheck < OVERDUE_EVERY_MS) return;
        this.lastOverdueCheck = now;
        this.notify.checkOverdue(now);
      },
    });
    return this.scheduler.start();
  }

  /** For tests and shutdown: the current check and every run it started have finished. */
  async idle(): Promise<void> {
    await this.scheduler?.idle();
    await this.notify.flush();
  }

  stopScheduler(): void {
    this.scheduler?.stop();
  }

  /** After the jobs were cancelled: wait for follow-ups and messages still on their way. */
  async close(): Promise<void> {
    this.stopScheduler();
    await this.idle();
    this.detach();
  }

  private get timeZone(): string {
    return this.scheduler?.timeZone ?? systemTimeZone();
  }

  private runDeps(): RunDeps {
    return { engine: this.engine, notify: this.notify, timeZone: this.timeZone, active: () => this.schedulerRunning };
  }

  planDeps(): PlanDeps {
    return { store: this.schedules, sys: this.sys, invocation: this.invocation, secretStoreKind: this.engine.secretStore.info().kind };
  }

  /** Every task this app runs itself; kinds installed into the system scheduler are left to it. */
  tasks(): ScheduledTask[] {
    const saved = this.schedules.all().profiles;
    const out: ScheduledTask[] = [];
    for (const profile of this.engine.profiles.list()) {
      const s = saved[profile.name] ?? DEFAULT_SCHEDULES;
      const plannedSince = Date.parse(profile.createdAt ?? '') || this.clock.now();
      for (const kind of SCHEDULE_KINDS) {
        const timing = { ...s[kind], enabled: s[kind].enabled && s[kind].runner === 'app' };
        out.push({
          key: `${kind}:${profile.name}`,
          timing,
          plannedSince,
          fire: (info) => (kind === 'backup' ? fireBackup(this.runDeps(), profile.name, s.backup, info) : kind === 'verify' ? fireVerify(this.runDeps(), profile.name, s.verify, info) : fireCheck(this.runDeps(), profile.name, info)),
        });
      }
    }
    // The maintenance plan's checks that are due, once a day, for connections that ask for it.
    for (const profile of this.engine.profiles.list()) {
      const run = readPlanSettings(this.engine, profile.name).autoRun;
      out.push({
        key: `plan:${profile.name}`,
        timing: { enabled: run.enabled, frequency: 'daily', time: run.time, weekday: 0, monthDay: 1 },
        plannedSince: this.clock.now(),
        fire: (info) => startScheduled(this.runDeps(), info, scheduledSpec(planJob(this.engine, profile.name, { dueOnly: true }))),
      });
    }
    const m = this.maintenanceSettings();
    out.push({
      key: 'maintenance',
      timing: { enabled: m.enabled, frequency: 'daily', time: m.time, weekday: 0, monthDay: 1 },
      plannedSince: this.clock.now(),
      fire: (info) => startScheduled(this.runDeps(), info, scheduledSpec(maintenanceJob(this.engine, 'all'))),
    });
    return out;
  }

  /** The schedules as shown (without `blocked`, which reads the backup location: schedule-handlers add it). */
  view(profile: string): Omit<ScheduleView, 'blocked'> {
    this.engine.profiles.get(profile);
    const s = this.schedules.get(profile);
    return {
      profile,
      timeZone: this.timeZone,
      schedules: s,
      tasks: SCHEDULE_KINDS.map((kind) => {
        const t = s[kind];
        const byApp = t.enabled && t.runner === 'app';
        return {
          kind,
          description: t.enabled ? `${describeTiming(t)}${t.runner === 'app' ? '' : `, run by ${RUNNER_WORDS[t.runner]}`}` : 'Off',
          nextRunAt: byApp ? this.nextRun(t) : null,
          lastRun: this.state.lastRun(`${kind}:${profile}`),
        };
      }),
      schedulerRunning: this.schedulerRunning,
      desktop: this.engine.info.mode === 'desktop' ? this.schedules.desktop() : null,
    };
  }

  async setSchedules(profile: string, schedules: ProfileSchedules): Promise<Omit<ScheduleView, 'blocked'>> {
    this.engine.profiles.get(profile);
    const before = this.schedules.get(profile);
    // Who runs a kind changes only through install / remove, never by saving the editor.
    const after = structuredClone(schedules);
    for (const k of SCHEDULE_KINDS) after[k].runner = before[k].runner;
    await this.schedules.set(profile, after);
    const now = this.clock.now();
    // A changed time starts afresh: the slot it moved over is not a "missed" run.
    for (const k of SCHEDULE_KINDS) if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) this.state.restart(`${k}:${profile}`, now);
    await reinstallChanged(this.planDeps(), profile, before, after);
    if (this.scheduler?.isRunning) void this.scheduler.tick();
    return this.view(profile);
  }

  async setDesktop(options: DesktopOptions): Promise<DesktopOptions> {
    const saved = await this.schedules.setDesktop(options);
    this.ports.setStartAtLogin?.(saved.startAtLogin);
    return saved;
  }

  /** After a connection's plan settings changed: its daily run starts over at the new time. */
  planSettingsChanged(profile: string): void {
    this.state.restart(`plan:${profile}`, this.clock.now());
    if (this.scheduler?.isRunning) void this.scheduler.tick();
  }

  /** When the daily run of a connection's due plan checks is next, or null when off or not run by this process. */
  planNextRun(profile: string): string | null {
    const run = readPlanSettings(this.engine, profile).autoRun;
    return this.schedulerRunning && run.enabled ? this.nextRun({ enabled: true, frequency: 'daily', time: run.time, weekday: 0, monthDay: 1 }) : null;
  }

  maintenanceSettings(): MaintenanceSettings {
    return maintenanceSettingsFile(this.engine).read().settings;
  }

  async setMaintenanceSettings(change: Partial<MaintenanceSettings>): Promise<MaintenanceOverview> {
    const before = this.maintenanceSettings();
    await maintenanceSettingsFile(this.engine).change((data) => {
      data.settings = { ...DEFAULT_MAINTENANCE, ...data.settings, ...change };
    });
    if (change.time !== undefined && change.time !== before.time) this.state.restart('maintenance', this.clock.now());
    if (this.scheduler?.isRunning) void this.scheduler.tick();
    return this.maintenanceOverview();
  }

  maintenanceOverview(): MaintenanceOverview {
    const settings = this.maintenanceSettings();
    return {
      tasks: maintenanceTaskViews(this.engine),
      settings,
      nextRunAt: this.schedulerRunning && settings.enabled ? this.nextRun({ enabled: true, frequency: 'daily', time: settings.time, weekday: 0, monthDay: 1 }) : null,
      logsFolder: this.engine.paths.logs,
    };
  }

  private nextRun(timing: ScheduledTask['timing']): string | null {
    const at = this.scheduler?.nextRunAt(timing) ?? null;
    return at === null ? null : new Date(at).toISOString();
  }
}
