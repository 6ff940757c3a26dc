// "Restore them from a backup" made actionable: for the files a storage check found missing, which
// restore points of the connection still hold them (newest first), read from their streamed file lists.
import { requireS3Source } from '../../../shared/profile';
import type { FilesInBackups } from '../../../shared/api/check';
import { UserError } from '../../../shared/errors';
import type { Services } from '../services';
import { withProfileLocation } from '../backup/profile-jobs';
import { previousObjectsOf } from '../sources/r2-list';

/** Restore points looked into at most, newest first: the newest that hold the files is what counts. */
const MAX_POINTS = 10;

export async function findInBackups(engine: Services, name: string, keys: string[], passphrase?: string): Promise<FilesInBackups> {
  const profile = engine.profiles.get(name);
  const wanted = new Set(keys);
  return withProfileLocation(engine, profile.name, passphrase, async (repo): Promise<FilesInBackups> => {
    const headers = (await repo.listSnapshots({ onDamaged: () => undefined }))
      .filter((h) => h.profile === profile.name)
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))
      .slice(0, MAX_POINTS);
    const found: FilesInBackups['found'] = [];
    let checked = 0;
    for (const h of headers) {
      if (wanted.size === 0) break;
      checked++;
      const here: string[] = [];
      for await (const entry of previousObjectsOf(repo.readManifest(h), requireS3Source(profile).bucket)) {
        if (wanted.has(entry.key)) here.push(entry.key);
      }
      if (here.length === 0) continue;
      for (const k of here) wanted.delete(k);
      found.push({ snapshotId: h.id, createdAt: h.createdAt, keys: here });
    }
    return { checked, found, notFound: keys.filter((k) => wanted.has(k)) };
  }).catch((err: unknown) => {
    // No backup yet: nothing holds them (said so), rather than an error about a location.
    if (err instanceof UserError && (err.code === 'REPO_NOT_FOUND' || err.code === 'DEST_NOT_FOUND')) return { checked: 0, found: [], notFound: keys };
    throw err;
  });
}
