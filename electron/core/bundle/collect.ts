// What goes into a support bundle, collected and redacted file by file. First every secret the app
// can know is read (so exact matching finds them all) and, unless file names are wanted, every file
// name it can know; then each file is produced and passed through the scrubber.
import type { RestorePointList } from '../../../shared/api/backup';
import type { OperationContext } from '../../../shared/jobs';
import { SECRET_NAMES } from '../../../shared/profile';
import { toUserErrorData, UserError } from '../../../shared/errors';
import type { Profile } from '../../../shared/profile';
import type { Services } from '../services';
import { withProfileLocation } from '../backup/profile-jobs';
import { listRestorePoints } from '../backup/snapshots';
import { recordStore } from '../checklist/service';
import { secretContext } from '../profiles/open';
import { resolveSecret } from '../profiles/secrets';
import { profileView } from '../profiles/service';
import { testProfile } from '../profiles/test';
import { readLogs } from './logs';
import { NameMatcher, collectNames, nameOfPath } from './names';
import { Scrubber, zero, type Counts } from './scrub';
import { systemInfo } from './system';

export interface Staged {
  path: string;
  label: string;
  content: string;
  counts: Counts;
}

/** The latest restore point's file list is read for names up to this many entries. */
const MAX_MANIFEST_NAMES = 200_000;
const HISTORY_ITEMS = 200;
const HISTORY_WITH_LOGS = 30;

const safe = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '-');
const why = (err: unknown) => {
  const d = toUserErrorData(err);
  return `${d.message} ${d.hint}`;
};

const describeDestination = (p: Profile) => (p.destination.kind === 'folder' ? p.destination.path : `s3://${p.destination.bucket}/${p.destination.prefix}`);

async function knownSecrets(engine: Services): Promise<string[]> {
  const ctx = secretContext(engine);
  for (const p of engine.profiles.list()) for (const name of SECRET_NAMES) await resolveSecret(ctx, p, name).catch(() => undefined);
  return engine.secrets.list();
}

async function restorePoints(engine: Services, names: NameMatcher | null, warnings: string[], ctx: OperationContext): Promise<Map<string, RestorePointList>> {
  const out = new Map<string, RestorePointList>();
  for (const p of engine.profiles.list()) {
    ctx.signal.throwIfAborted();
    try {
      const list = await withProfileLocation(engine, p.name, undefined, async (repo) => {
        const listed = await listRestorePoints(repo);
        const latest = listed.restorePoints.find((r) => r.profile === p.name);
        if (names && latest) {
          let n = 0;
          for await (const entry of repo.readManifest(await repo.readSnapshot(latest.id))) {
            if (entry.kind === 'r2-object') names.add(entry.key);
            const name = nameOfPath(entry.path);
            if (name) names.add(name);
            if (++n >= MAX_MANIFEST_NAMES) {
              warnings.push(`Only the first ${MAX_MANIFEST_NAMES} file names of "${p.name}"'s latest backup were looked for in the logs.`);
              break;
            }
          }
        }
        return listed;
      });
      out.set(p.name, list);
    } catch (err) {
      if (err instanceof UserError && err.code === 'REPO_NOT_FOUND') out.set(p.name, { location: describeDestination(p), encrypted: false, restorePoints: [], unreadable: [] });
      else warnings.push(`Backups of "${p.name}": the backup location could not be read. ${why(err)}`);
    }
  }
  return out;
}

export async function collect(engine: Services, options: { includeNames: boolean }, ctx: OperationContext, warnings: string[]): Promise<{ files: Staged[]; scrubber: Scrubber }> {
  const step = (phase: string, done: number) => ctx.onProgress({ phase, done, total: 6, unit: 'steps', bytesDone: 0, bytesTotal: null, message: '' });
  step('Finding what must be removed', 0);
  const secrets = await knownSecrets(engine);
  const names = options.includeNames ? null : new NameMatcher();
  const history = engine.history.list({ limit: HISTORY_ITEMS });
  const records = recordStore(engine).list({ limit: 50 });
  if (names) {
    collectNames(engine.history.list({ limit: 200, kind: 'consistency' }).items.map((i) => i.summary), names);
    collectNames(history.items.map((i) => i.summary), names);
    collectNames(records.map((r) => r.baseline), names);
  }
  const points = await restorePoints(engine, names, warnings, ctx);
  const scrubber = new Scrubber(secrets, names);
  const files: Staged[] = [];
  const add = (path: string, label: string, produce: (counts: Counts) => string) => {
    const counts = zero();
    files.push({ path, label, content: produce(counts), counts });
  };

  step('System information', 1);
  const system = await systemInfo(engine);
  add('system.json', 'This computer: system, versions, memory, free space', (c) => scrubber.json(system, c));

  step('Connections', 2);
  const views = await Promise.all(engine.profiles.list().map((p) => profileView(engine, p)));
  add('profiles.json', 'Connections (secrets removed)', (c) => scrubber.json(views, c));
  for (const p of engine.profiles.list()) {
    ctx.signal.throwIfAborted();
    ctx.onProgress({ message: `Testing the connection "${p.name}"` });
    try {
      const report = await testProfile(engine, p.name, { timeoutMs: 5000 });
      add(`diagnostics/${safe(p.name)}.json`, `Connection test of "${p.name}", just now`, (c) => scrubber.json({ profile: p.name, testedAt: new Date().toISOString(), ...report }, c));
    } catch (err) {
      warnings.push(`Connection test of "${p.name}" could not run. ${why(err)}`);
    }
  }

  step('History', 3);
  const recent = history.items.map((item, i) => (i < HISTORY_WITH_LOGS ? { ...item, log: engine.history.get(item.id).log } : item));
  add('history/operations.json', `Recent operations (${history.items.length} of ${history.total}), the newest with their logs`, (c) => scrubber.json(recent, c));
  add('history/update-records.json', 'Updates of PCI File Manager (pre-update checklists)', (c) => scrubber.json(records, c));

  step('Latest results', 4);
  const latestChecklist = engine.profiles.list().map((p) => records.find((r) => r.profile === p.name) ?? { profile: p.name, none: 'No pre-update checklist yet.' });
  add('latest/checklist.json', 'The latest pre-update checklist of each connection', (c) => scrubber.json(latestChecklist, c));
  const latestConsistency = engine.profiles.list().map((p) => engine.history.list({ kind: 'consistency', profile: p.name, limit: 1 }).items[0] ?? { profile: p.name, none: 'No storage check yet.' });
  add('latest/consistency.json', 'The latest storage check of each connection', (c) => scrubber.json(latestConsistency, c));
  for (const [name, list] of points) {
    const mine = list.restorePoints.filter((r) => r.profile === name);
    const summary = {
      location: list.location,
      encrypted: list.encrypted,
      restorePoints: mine.length,
      otherProfiles: list.restorePoints.length - mine.length,
      totalSize: mine.reduce((n, r) => n + r.size, 0),
      storedBytes: list.restorePoints.reduce((n, r) => n + r.storedBytes, 0),
      newest: mine[0]?.createdAt ?? null,
      oldest: mine[mine.length - 1]?.createdAt ?? null,
      unreadable: list.unreadable,
      list: mine.map((r) => ({ id: r.id, createdAt: r.createdAt, tags: r.tags, size: r.size, storedBytes: r.storedBytes, entries: r.entries, consistency: r.consistency })),
    };
    add(`backups/${safe(name)}.json`, `Backup location of "${name}": restore points and sizes`, (c) => scrubber.json(summary, c));
  }

  step('Logs', 5);
  for (const log of await readLogs(engine.paths.logs, warnings)) {
    // Scrubbing a big log takes a moment: let other work (progress events, the UI) through between files.
    await new Promise((resolve) => setImmediate(resolve));
    ctx.signal.throwIfAborted();
    add(`logs/${log.name}`, log.note ? `Log file (${log.note})` : 'Log file', (c) => scrubber.text(log.text, c));
  }
  step('Logs', 6);
  return { files, scrubber };
}
