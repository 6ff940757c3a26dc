// The backup location of a profile: open it as a BlobStore (a folder, or a bucket prefix), and check
// it for "Test connection": found, writable, enough free space.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { CheckReport, DestinationFacts } from '../../../shared/api/profiles';
import { userError, type UserError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import { r2Endpoint, type Destination, type S3Source } from '../../../shared/profile';
import { FolderStore, S3Store, driveMissingError, planFolder, type BlobStore } from '../repository';
import { CheckList, report, type CheckOptions } from './checks';
import { checkBucket } from './r2-checks';
import { createR2Client, endpointLabel } from './r2';

type S3Destination = Extract<Destination, { kind: 's3' }>;

export interface OpenedDestination {
  store: BlobStore;
  /** Where it is, for people: a folder path or s3://bucket/prefix at host. */
  describe: string;
  /** The S3 client of a bucket destination (closed by the caller). */
  client?: S3Client;
}

/** A bucket destination's endpoint: its own, its own account's, else the profile's R2 endpoint. */
export function destinationEndpoint(dest: S3Destination, r2?: Partial<Pick<S3Source, 'accountId' | 'endpoint'>>): string {
  const endpoint = dest.endpoint ?? (dest.accountId ? r2Endpoint({ accountId: dest.accountId }) : undefined) ?? (r2 ? r2Endpoint(r2) : undefined);
  if (!endpoint) throw userError('INVALID_INPUT', 'Backup bucket address missing', 'The backup bucket has no address (endpoint or Account ID).', 'Enter the endpoint or the Account ID of the backup bucket.');
  return endpoint;
}

export function openDestination(dest: Destination, options: { secretAccessKey?: string; r2?: Partial<S3Source> } = {}): OpenedDestination {
  if (dest.kind === 'folder') {
    const store = new FolderStore(dest.path);
    return { store, describe: store.describe() };
  }
  if (!options.secretAccessKey) {
    throw userError('SECRET_MISSING', 'Secret key missing', 'The secret access key of the backup bucket is not saved.', 'Enter it again in Settings → Connections, or set PCI_DEST_SECRET_ACCESS_KEY.');
  }
  const endpoint = destinationEndpoint(dest, options.r2);
  const client = createR2Client({ endpoint, region: dest.region, accessKeyId: dest.accessKeyId, secretAccessKey: options.secretAccessKey, forcePathStyle: dest.forcePathStyle });
  const store = new S3Store({ client, bucket: dest.bucket, prefix: dest.prefix, endpointLabel: endpointLabel(endpoint) });
  return { store, describe: store.describe(), client };
}

export interface FolderSpace {
  freeBytes: number;
  totalBytes: number;
}

/** Free and total bytes of the disk holding `dir` (or its nearest existing parent). */
export async function folderSpace(dir: string): Promise<FolderSpace | null> {
  const existing = await nearestExisting(dir);
  if (!existing) return null;
  const s = await fsp.statfs(existing);
  return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
}

/** The folder itself, or its nearest parent that exists (null when not even the root does). */
export async function nearestExisting(dir: string): Promise<string | null> {
  let current = path.resolve(dir);
  for (;;) {
    if (await fsp.stat(current).then(() => true, () => false)) return current;
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

export interface DestinationCheckInput {
  destination: Destination;
  secretAccessKey?: string;
  r2?: Partial<S3Source>;
  /** Estimated size of the next backup: less free space than this fails the check. */
  requiredBytes?: number | null;
}

export async function checkDestination(input: DestinationCheckInput, options: CheckOptions = {}): Promise<CheckReport> {
  const dest = input.destination;
  if (dest.kind === 's3') {
    const list = new CheckList();
    let endpoint: string;
    try {
      endpoint = destinationEndpoint(dest, input.r2);
      if (!input.secretAccessKey) openDestination(dest, {});
    } catch (err) {
      list.fail('dest.reachable', 'Backup bucket reachable', err);
      return report(list.checks);
    }
    const r = await checkBucket(
      { endpoint, bucket: dest.bucket, prefix: dest.prefix, accessKeyId: dest.accessKeyId, secretAccessKey: input.secretAccessKey!, region: dest.region, forcePathStyle: dest.forcePathStyle, idPrefix: 'dest', what: 'backup bucket' },
      options,
    );
    return { ...r, destination: { describe: `s3://${dest.bucket}${dest.prefix ? `/${dest.prefix}` : ''} at ${endpointLabel(endpoint)}`, freeBytes: null, totalBytes: null } };
  }
  return checkFolder(dest.path, input.requiredBytes ?? null);
}

async function checkFolder(dir: string, requiredBytes: number | null): Promise<CheckReport> {
  const list = new CheckList();
  const facts: DestinationFacts = { describe: dir, freeBytes: null, totalBytes: null };
  if (!path.isAbsolute(dir)) {
    list.fail('dest.exists', 'Backup folder', userError('INVALID_INPUT', 'Not a full path', `"${dir}" is not a full folder path.`, 'Enter the whole path, e.g. /media/backup/pci or D:\\Backups\\PCI.'));
    return report(list.checks, { destination: facts });
  }
  let probeDir = dir;
  const st = await fsp.stat(dir).catch((err: NodeJS.ErrnoException) => err);
  if (st instanceof Error) {
    // The backup's own rule (repository/folder-root.ts), so this never promises what the backup refuses.
    const plan = st.code === 'ENOENT' || st.code === 'ENOTDIR' ? await planFolder(dir) : null;
    if (plan?.kind !== 'create') {
      const err = plan?.kind === 'drive-missing' ? driveMissingError(dir, plan) : userError('DEST_NOT_FOUND', 'Folder not found', `The folder ${dir} cannot be opened.`, 'Check that the drive is connected and the path is right, or choose another folder.', `${st.code ?? ''} ${st.message}`);
      list.fail('dest.exists', 'Backup folder', err);
      return report(list.checks, { destination: facts });
    }
    list.warn('dest.exists', 'Backup folder', `The folder ${dir} does not exist yet; the first backup will create it in ${plan.existing}.`, 'Nothing to do if this is the folder you want.');
    probeDir = plan.existing;
  } else if (!st.isDirectory()) {
    list.fail('dest.exists', 'Backup folder', userError('DEST_NOT_WRITABLE', 'Not a folder', `${dir} is a file, not a folder.`, 'Choose a folder for the backups.'));
    return report(list.checks, { destination: facts });
  } else list.pass('dest.exists', 'Backup folder', `The folder ${dir} exists.`);

  const probeError = await writeProbe(probeDir);
  if (probeError) {
    list.fail('dest.writable', 'Can write backups', probeError);
    return report(list.checks, { destination: facts });
  }
  list.pass('dest.writable', 'Can write backups', 'A test file was written and removed.');

  const space = await folderSpace(dir).catch(() => null);
  if (!space) {
    list.pass('dest.space', 'Free space', 'Free space cannot be measured on this drive.');
    return report(list.checks, { destination: facts });
  }
  facts.freeBytes = space.freeBytes;
  facts.totalBytes = space.totalBytes;
  const free = `${formatBytes(space.freeBytes)} free of ${formatBytes(space.totalBytes)}`;
  if (requiredBytes !== null && space.freeBytes < requiredBytes) {
    list.fail('dest.space', 'Free space', destFullError(`The backup drive is full: ${free}, and the next backup needs about ${formatBytes(requiredBytes)}.`, requiredBytes - space.freeBytes));
  } else if (space.totalBytes > 0 && space.freeBytes < space.totalBytes * 0.1) {
    list.warn('dest.space', 'Free space', `The backup drive is almost full: ${free}.`, 'Free some space or choose a bigger drive soon.', 'DEST_FULL');
  } else list.pass('dest.space', 'Free space', `${free}.`);
  return report(list.checks, { destination: facts });
}

function destFullError(message: string, missingBytes: number | null, details?: string): UserError {
  const hint = missingBytes ? `Free ${formatBytes(missingBytes)} or choose another drive.` : 'Free some space or choose another drive.';
  return userError('DEST_FULL', 'Not enough space', message, hint, details);
}

/** Write, fsync, read back and delete a small file: the way a backup will use the folder. */
async function writeProbe(dir: string): Promise<UserError | null> {
  const file = path.join(dir, `.pci-maintenance-probe-${randomBytes(6).toString('hex')}`);
  const data = Buffer.alloc(64 * 1024, 0x2a);
  try {
    const handle = await fsp.open(file, 'wx', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    const back = await fsp.readFile(file);
    if (!back.equals(data)) return userError('DEST_NOT_WRITABLE', 'Drive not reliable', `A test file written to ${dir} read back differently.`, 'The drive may be failing: choose another backup location.');
    return null;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const details = `${e.code ?? ''} ${e.message}`.trim();
    if (e.code === 'ENOSPC' || e.code === 'EDQUOT' || e.code === 'EFBIG') return destFullError(`The backup drive is full: not even a small test file fits in ${dir}.`, null, details);
    return userError(
      'DEST_NOT_WRITABLE',
      'Cannot write here',
      `PCI Maintenance may not write to the folder ${dir}.`,
      e.code === 'EROFS' ? 'The drive is read-only: choose another drive, or make it writable.' : 'Check the folder permissions, or choose another folder.',
      details,
    );
  } finally {
    await fsp.unlink(file).catch(() => undefined);
  }
}
