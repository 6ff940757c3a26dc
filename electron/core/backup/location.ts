// Opening a profile's backup location. The first backup to an empty location sets it up (so "make a
// backup" just works after choosing a folder); a location that holds other files is never taken
// over, because it is most likely the wrong folder.
import { UserError } from '../../../shared/errors';
import { CONFIG_PATH, Repository, type BlobStore } from '../repository';

export interface OpenLocationOptions {
  passphrase?: string;
  /** Set the location up when it is empty (backups do; listing and prune do not). */
  createIfEmpty?: boolean;
  /** Tests only, see Repository.init. */
  testOnlyScryptN?: number;
}

export async function openBackupLocation(store: BlobStore, options: OpenLocationOptions = {}): Promise<{ repo: Repository; created: boolean }> {
  // A first backup creates a missing backup folder, unless its drive is missing (folder-root.ts).
  if (options.createIfEmpty) await store.ensureRoot?.();
  try {
    return { repo: await Repository.open(store, { passphrase: options.passphrase }), created: false };
  } catch (err) {
    if (!(err instanceof UserError && err.code === 'REPO_NOT_FOUND') || !options.createIfEmpty) throw err;
    for await (const found of store.list('')) {
      // Another first backup may have set the location up since we looked: use what it wrote.
      if (await store.exists(CONFIG_PATH)) return { repo: await Repository.open(store, { passphrase: options.passphrase }), created: false };
      throw new UserError({
        code: 'REPO_NOT_FOUND',
        title: 'Not a backup location',
        message: 'The chosen backup location already contains other files, and no backups.',
        hint: 'Choose an empty folder (or bucket prefix) for the backups, or the one that already holds them.',
        details: `${store.describe()} contains ${found.path}`,
      });
    }
    return Repository.initOrOpen(store, { passphrase: options.passphrase || undefined, testOnlyScryptN: options.testOnlyScryptN });
  }
}
