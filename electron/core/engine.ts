// The engine: the one object every host (desktop, browser server, CLI) builds to reach core — the
// composition root. It builds the services (services.ts), then what is built on them: automation
// (schedules, notifications, maintenance) and the contract's handlers. Features never import this
// file; they take the services they use.
import { createHandlers, type Handlers } from './handlers';
import { createServices, type ServiceOptions, type Services } from './services';
import { Automation, type ShellPorts } from './schedule/automation';

export { openAppLog } from './services';

export interface EngineOptions extends ServiceOptions {
  /** Desktop notifications, safeStorage for notification secrets, start at login (desktop app only). */
  shell?: ShellPorts;
}

export interface Engine extends Services {
  /** Schedules, notifications and maintenance; hosts that stay up start its scheduler. */
  automation: Automation;
  handlers: Handlers;
  close(): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  // One object all along (Object.assign adds to the services): features that remember things per
  // engine (restore previews) see the same identity whether called by a handler or by a host.
  const services = createServices(options);
  const deps = Object.assign(services, { automation: new Automation(services, options.shell) });
  const engine: Engine = Object.assign(deps, {
    handlers: createHandlers(deps),
    async close() {
      deps.automation.stopScheduler();
      await deps.jobs.shutdown();
      await deps.automation.close(); // messages about the jobs that just ended still go out
      deps.historyDb.close();
    },
  });
  engine.log.scope('engine').info(`started ${engine.info.name} ${engine.info.version} (${engine.info.mode}) with data folder ${engine.paths.home}`);
  return engine;
}
