// The engine: the one object every host (desktop, browser server, CLI) builds to reach core.
import { EventEmitter } from 'node:events';
import os from 'node:os';
import type { NodeLogger } from 'electron-log';
import type { AppEvent, AppInfo } from '../../shared/contract';
import { dataPaths, ensureDataFolders, type DataPaths } from './paths';
import { createAppLogger, type AppLogger, SecretRegistry } from './log';
import { openHistoryDb } from './history/db';
import { HistoryStore } from './history/store';
import { JobManager } from './jobs/manager';
import { createHandlers, type Handlers } from './handlers';

export interface EngineOptions {
  home: string;
  version: string;
  mode: AppInfo['mode'];
  /** An electron-log instance: electron-log/main in the desktop app, electron-log/node elsewhere. */
  logger: NodeLogger;
  logToConsole?: boolean;
  throttleMs?: number;
}

export interface Engine {
  paths: DataPaths;
  info: AppInfo;
  log: AppLogger;
  secrets: SecretRegistry;
  history: HistoryStore;
  jobs: JobManager;
  handlers: Handlers;
  onEvent(listener: (event: AppEvent) => void): () => void;
  close(): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  const paths = dataPaths(options.home);
  ensureDataFolders(paths);
  const secrets = new SecretRegistry();
  const log = createAppLogger(options.logger, paths.logs, { console: options.logToConsole, secrets });
  const db = openHistoryDb(paths.historyDb);
  const history = new HistoryStore(db);
  const interrupted = history.markInterrupted();
  if (interrupted > 0) log.scope('history').warn(`${interrupted} operation(s) were interrupted by a previous exit`);

  const events = new EventEmitter();
  const jobs = new JobManager({ history, log: log.scope('jobs'), throttleMs: options.throttleMs, redact: (t) => secrets.redact(t) });
  jobs.onUpdate((job) => {
    events.emit('event', { type: 'job.updated', job } satisfies AppEvent);
    if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'canceled') events.emit('event', { type: 'history.changed' } satisfies AppEvent);
  });

  const info: AppInfo = {
    name: 'PCI Maintenance',
    version: options.version,
    dataFolder: paths.home,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    nodeVersion: process.versions.node,
    mode: options.mode,
  };

  const engine: Engine = {
    paths,
    info,
    log,
    secrets,
    history,
    jobs,
    handlers: {} as Handlers,
    onEvent(listener) {
      events.on('event', listener);
      return () => events.off('event', listener);
    },
    async close() {
      await jobs.shutdown();
      db.close();
    },
  };
  engine.handlers = createHandlers(engine);
  log.scope('engine').info(`started ${info.name} ${info.version} (${info.mode}) with data folder ${paths.home}`);
  return engine;
}
