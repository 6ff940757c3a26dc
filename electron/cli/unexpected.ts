// An error no code path expected (a bug, a broken data folder): the person sees plain words, and the
// technical story goes to the log of the data folder (DESIGN §4), where a support bundle finds it.
import fs from 'node:fs';
import log from 'electron-log/node';
import { openAppLog } from '../core/engine';
import { dataPaths, resolveHome } from '../core/paths';

export function logUnexpected(home: string | undefined, err: unknown): void {
  try {
    const paths = dataPaths(resolveHome({ flag: home }));
    fs.mkdirSync(paths.logs, { recursive: true, mode: 0o700 });
    openAppLog(paths, log).scope('cli').error(`Unexpected error in "pci-maint ${process.argv.slice(2).join(' ')}":`, err);
  } catch {
    // No log folder can be written: the message on the screen is all there is.
  }
}
