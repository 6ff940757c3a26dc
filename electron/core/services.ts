// The services every feature works with (DESIGN §2): the data folder's paths, the log and its secret
// redaction, the history, the job manager, the saved profiles and their secrets, the environment,
// native dialogs and app events. A leaf of core: it imports no feature, so features depend on it
// (type-only) without an import circle. engine.ts builds it first, then what is built on it
// (automation, the contract's handlers) — the composition root.
import { EventEmitter } from 'node:events';
import os from 'node:os';
import type { NodeLogger } from 'electron-log';
import type { AppEvent, AppInfo } from '../../shared/contract';
import { isFinal } from '../../shared/jobs';
import { dataPaths, ensureDataFolders, type DataPaths } from './paths';
import { createAppLogger, type AppLogger, SecretRegistry } from './log';
import { openHistoryDb } from './history/db';
import { HistoryStore } from './history/store';
import { JobManager } from './jobs/manager';
import { CredentialsFileStore, type SecretStore } from './profiles/secret-store';
import { ProfileStore } from './profiles/store';
import { GENERIC_ENV } from './profiles/secrets';
import type { DialogsPort } from './dialogs';
import { runtimeFlags } from './runtime-mode';

export interface ServiceOptions {
  home: string;
  version: string;
  mode: AppInfo['mode'];
  /** An electron-log instance: electron-log/main in the desktop app, electron-log/node elsewhere. */
  logger: NodeLogger;
  logToConsole?: boolean;
  throttleMs?: number;
  /** Where profile secrets are kept: safeStorage in the desktop app; default the 0600 credentials file. */
  secretStore?: SecretStore;
  /** Environment variables secrets may come from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Native dialogs (desktop app only). */
  dialogs?: DialogsPort;
  /** An installed desktop app (Electron's app.isPackaged): test and development switches are off. */
  packaged?: boolean;
}

export interface Services {
  paths: DataPaths;
  info: AppInfo;
  log: AppLogger;
  secrets: SecretRegistry;
  history: HistoryStore;
  /** The history database itself, for features that keep their own tables in it (migrations 002+). */
  historyDb: ReturnType<typeof openHistoryDb>;
  jobs: JobManager;
  profiles: ProfileStore;
  secretStore: SecretStore;
  env: NodeJS.ProcessEnv;
  dialogs: DialogsPort | null;
  /** The test pause point (runtime-mode.ts), null in a packaged app and outside crash tests. */
  testPauseAt: string | null;
  /** The event triggers' gathering time set by a test switch (runtime-mode.ts), null normally. */
  testTriggerSettleMs: number | null;
  onEvent(listener: (event: AppEvent) => void): () => void;
}

/** The log of a data folder, redacting the secrets passed in the environment (the engine's, and the CLI's when no engine could open). */
export function openAppLog(paths: DataPaths, logger: NodeLogger, options: { env?: NodeJS.ProcessEnv; console?: boolean } = {}): AppLogger {
  const secrets = new SecretRegistry();
  const env = options.env ?? process.env;
  // Secrets passed in the environment are known from the start, before anything could log them.
  secrets.add(...Object.values(GENERIC_ENV).map((name) => env[name]));
  return createAppLogger(logger, paths.logs, { console: options.console, secrets });
}

export function createServices(options: ServiceOptions): Services {
  const paths = dataPaths(options.home);
  ensureDataFolders(paths);
  const env = options.env ?? process.env;
  const log = openAppLog(paths, options.logger, { env, console: options.logToConsole });
  const secrets = log.secrets;
  const db = openHistoryDb(paths.historyDb);
  const history = new HistoryStore(db);
  const interrupted = history.markInterrupted();
  if (interrupted > 0) log.scope('history').warn(`${interrupted} operation(s) were interrupted by a previous exit`);

  const events = new EventEmitter();
  const jobs = new JobManager({ history, log: log.scope('jobs'), throttleMs: options.throttleMs, redact: (t) => secrets.redact(t) });
  jobs.onUpdate((job) => {
    events.emit('event', { type: 'job.updated', job } satisfies AppEvent);
    if (isFinal(job.status)) events.emit('event', { type: 'history.changed' } satisfies AppEvent);
  });

  const flags = runtimeFlags({ isPackaged: options.packaged ?? false, env });
  return {
    paths,
    info: {
      name: 'PCI Maintenance',
      version: options.version,
      dataFolder: paths.home,
      platform: `${os.type()} ${os.release()}`,
      arch: process.arch,
      nodeVersion: process.versions.node,
      mode: options.mode,
    },
    log,
    secrets,
    history,
    historyDb: db,
    jobs,
    profiles: new ProfileStore(paths.home),
    secretStore: options.secretStore ?? new CredentialsFileStore(paths.home),
    env,
    dialogs: options.dialogs ?? null,
    testPauseAt: flags.testPauseAt,
    testTriggerSettleMs: flags.triggerSettleMs,
    onEvent(listener) {
      events.on('event', listener);
      return () => events.off('event', listener);
    },
  };
}
