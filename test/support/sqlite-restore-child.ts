// Runs one SQLite restore in its own process, for the kill -9 tests: restores the database of a
// restore point over its original file and prints "start" and each named point it passes ("at <point>"); at
// `pauseAt` it stops there (and waits to be killed). Arguments: <location> <snapshot id> <pause point or ->.
import { FolderStore, Repository } from '../../electron/core/repository';
import { restoreSqlite } from '../../electron/core/restore/sqlite-restore';

const [location, snapshotId, pauseAt] = process.argv.slice(2);
const repo = await Repository.open(new FolderStore(location));
const header = await repo.readSnapshot(snapshotId);
let entry;
for await (const e of repo.readManifest(header)) if (e.kind === 'sqlite-database') entry = e;
if (!entry) throw new Error('no database in the restore point');
process.stdout.write('start\n');
const ctx = { signal: new AbortController().signal, onProgress: () => undefined, log: () => undefined };
await restoreSqlite(repo, entry, ctx, {
  hook: async (point) => {
    process.stdout.write(`at ${point}\n`);
    if (point === pauseAt) await new Promise(() => setInterval(() => undefined, 1000));
  },
});
process.stdout.write('done\n');
