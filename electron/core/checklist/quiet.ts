// Checklist item 8 (optional): nothing writes to the database for a while, read from the server's
// operation counters. After PCI File Manager is stopped the counters of inserts, updates and deletes
// must stand still; if they move, something (PCI File Manager, a script) is still writing.
import type { MongoClient } from 'mongodb';
import { pause } from '../sources/retry';
import type { ChecklistCheck } from '../../../shared/api/checklist';
import { UserError } from '../../../shared/errors';
import { mapMongoError } from '../connections/errors';
import { LABELS, count, pass, warn } from './check';

async function writes(client: MongoClient): Promise<number> {
  const status = await client.db('admin').command({ serverStatus: 1, repl: 0, metrics: 0, locks: 0 });
  const c = (status.opcounters ?? {}) as Record<string, unknown>;
  return ['insert', 'update', 'delete'].reduce((n, k) => n + Number(c[k] ?? 0), 0);
}

/** Writes seen by the server during `ms` (the counters are server-wide: other databases count too). */
export async function watchWrites(client: MongoClient, ms: number, signal: AbortSignal, onStarted?: () => void | Promise<void>): Promise<number> {
  try {
    const first = await writes(client);
    await onStarted?.();
    await pause(ms, signal);
    return (await writes(client)) - first;
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if ((err as { code?: unknown }).code === 13) {
      // serverStatus is a server-wide action: "readWrite" on the database does not include it.
      throw new UserError({
        code: 'MONGO_AUTH_FAILED',
        title: 'Not allowed',
        message: 'This MongoDB user may not read the server\'s status, so it cannot see whether something still writes to the database.',
        hint: 'Leave this optional check out, or ask whoever manages MongoDB to give the user the "clusterMonitor" role in the database "admin" ("Test connection" shows the exact command).',
      }, { cause: err });
    }
    throw mapMongoError(err);
  }
}

export function quietCheck(writesSeen: number, seconds: number): ChecklistCheck {
  if (writesSeen === 0) return pass('quiet', LABELS.quiet, `No writes to the database in ${seconds} seconds.`);
  // A warning, not a failure: the counters are server-wide, so another application's database on the
  // same server also counts; the person decides (and accepts it) after looking.
  return warn(
    'quiet',
    LABELS.quiet,
    `${count(writesSeen, 'write')} to the database in ${seconds} seconds: something is still changing data.`,
    'Check that PCI File Manager (and any script or job that uses its database) is really stopped, then watch again. If another application on the same MongoDB server writes, accept this warning.',
  );
}
