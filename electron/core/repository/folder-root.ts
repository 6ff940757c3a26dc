// May a backup create a missing backup folder (mkdir -p), or is the folder missing because its drive
// is not there? The first backup (FolderStore.ensureRoot) and "Test connection"
// (connections/destination.ts) both ask this, so the check never promises what the backup refuses.
//
// The rule. Find the nearest folder above the backup folder that exists; then the drive is missing when
//   1. nothing above it exists: a Windows drive letter (E:\) or a network share that is not there;
//   2. the folder lies under a mount container (/media, /run/media, /mnt, /Volumes) and the nearest
//      existing folder is on the same filesystem as the container: the container itself, or an empty
//      mount point (/media/usb with no drive in it) — writing there would fill the system disk;
//   3. on Linux or macOS, the nearest existing folder is "/": a missing top-level folder (/backup/…)
//      is most often a mount point whose drive is not mounted.
// Otherwise the folder is new and the backup creates it. On Windows an existing drive root (D:\) means
// the drive is connected, so a new folder right under it is created.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../../shared/errors';

/** Where removable and network drives are mounted on Linux and macOS. */
export const MOUNT_CONTAINERS = ['/media', '/run/media', '/mnt', '/Volumes'];

export type FolderPlan =
  | { kind: 'exists' }
  | { kind: 'create'; existing: string }
  | { kind: 'drive-missing'; existing: string | null; reason: string };

export interface FolderPlanOptions {
  /** Tests only: another path flavour (path.win32), stat and containers than this machine's. */
  paths?: path.PlatformPath;
  stat?: (p: string) => Promise<{ dev: number } | null>;
  containers?: string[];
}

const realStat = (p: string) => fsp.stat(p).then(
  (s) => ({ dev: s.dev }),
  () => null,
);

export async function planFolder(dir: string, options: FolderPlanOptions = {}): Promise<FolderPlan> {
  const paths = options.paths ?? path;
  const stat = options.stat ?? realStat;
  const target = paths.resolve(dir);
  if (await stat(target)) return { kind: 'exists' };

  let existing: string | null = null;
  let existingStat: { dev: number } | null = null;
  for (let current = paths.dirname(target), prev = target; current !== prev; prev = current, current = paths.dirname(current)) {
    existingStat = await stat(current);
    if (existingStat) {
      existing = current;
      break;
    }
  }
  if (!existing || !existingStat) {
    const root = paths.parse(target).root || target;
    return { kind: 'drive-missing', existing: null, reason: `${root} is not there` };
  }

  const posix = paths.sep === '/';
  if (posix) {
    const container = (options.containers ?? MOUNT_CONTAINERS).find((c) => target.startsWith(`${c}/`));
    if (container) {
      const containerStat = await stat(container);
      if (!containerStat || containerStat.dev === existingStat.dev) {
        const mountPoint = existing === container ? firstBelow(paths, container, target) : existing;
        return { kind: 'drive-missing', existing, reason: `no drive is mounted at ${mountPoint}` };
      }
    } else if (existing === paths.parse(existing).root) {
      return { kind: 'drive-missing', existing, reason: `${firstBelow(paths, existing, target)} is not there, and a folder at the top of the system disk is usually where a drive is mounted` };
    }
  }
  return { kind: 'create', existing };
}

/** The folder one level below `ancestor` on the way to `target` (/media/usb for /media + /media/usb/pci). */
function firstBelow(paths: path.PlatformPath, ancestor: string, target: string): string {
  const rest = paths.relative(ancestor, target).split(paths.sep)[0];
  return paths.join(ancestor, rest);
}

/** The refusal, in the words both the backup and the connection check use. */
export function driveMissingError(dir: string, plan: Extract<FolderPlan, { kind: 'drive-missing' }>): UserError {
  return new UserError({
    code: 'DEST_NOT_FOUND',
    title: 'Backup drive not found',
    message: `The backup folder ${dir} does not exist, and its drive does not seem to be connected (${plan.reason}).`,
    hint: 'Connect the backup drive and try again. If the folder belongs on a disk that is always there, create the folder first.',
    details: `nearest existing folder: ${plan.existing ?? 'none'}`,
  });
}
