// The data folder, resolved the same way by the desktop app, the CLI and the browser server.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';

export const APP_DIR_NAME = 'PCI Maintenance';

/** `--home DIR` wins, then PCI_MAINT_HOME, then the OS app-data folder (what Electron calls userData). */
export function resolveHome(options: { flag?: string; env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; homedir?: string } = {}): string {
  const env = options.env ?? process.env;
  if (options.flag) return path.resolve(options.flag);
  if (env.PCI_MAINT_HOME) return path.resolve(env.PCI_MAINT_HOME);
  const platform = options.platform ?? process.platform;
  const home = options.homedir ?? os.homedir();
  if (platform === 'win32') return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  return path.posix.join(env.XDG_CONFIG_HOME ?? path.posix.join(home, '.config'), APP_DIR_NAME);
}

export interface DataPaths {
  home: string;
  historyDb: string;
  logs: string;
  settings: string;
  tmp: string;
}

export function dataPaths(home: string): DataPaths {
  return {
    home,
    historyDb: path.join(home, 'history.sqlite'),
    logs: path.join(home, 'logs'),
    settings: path.join(home, 'settings.json'),
    tmp: path.join(home, 'tmp'),
  };
}

/** Create the data folder (private to this user: it holds history and, for the CLI, credentials). */
export function ensureDataFolders(paths: DataPaths): void {
  for (const dir of [paths.home, paths.logs, paths.tmp]) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}
