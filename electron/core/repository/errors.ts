// The UserErrors the backup-location layer raises, worded once so every backend says the same thing.
import { UserError } from '../../../shared/errors';

/** The backup location's storage said "no such file". The repository turns this into a specific error. */
export class MissingObjectError extends UserError {
  readonly path: string;
  constructor(path: string) {
    super({
      code: 'NOT_FOUND',
      title: 'File missing',
      message: 'A file is missing from the backup location.',
      hint: 'Run "Check backup" to see what is affected.',
      details: `missing: ${path}`,
    });
    this.name = 'MissingObjectError';
    this.path = path;
  }
}

export function isMissing(err: unknown): err is MissingObjectError {
  return err instanceof MissingObjectError;
}

export function backupDamaged(file: string, why: string, cause?: unknown): UserError {
  return new UserError(
    {
      code: 'BACKUP_DAMAGED',
      title: 'Backup damaged',
      message: `A file in the backup location is damaged: ${file}`,
      hint: 'Run "Check backup" to see which restore points are affected, and make a new backup soon.',
      details: `${file}: ${why}`,
    },
    { cause },
  );
}

export function destFull(details: string, cause?: unknown): UserError {
  return new UserError(
    {
      code: 'DEST_FULL',
      title: 'Not enough space',
      message: 'The backup drive is full',
      hint: 'Free some space or choose another backup location',
      details,
    },
    { cause },
  );
}

export function destNotWritable(kind: 'folder' | 's3', details: string, cause?: unknown): UserError {
  return new UserError(
    {
      code: 'DEST_NOT_WRITABLE',
      title: 'Cannot use the backup location',
      message:
        kind === 'folder'
          ? 'PCI Maintenance is not allowed to read or write the backup folder.'
          : 'The storage service refused access to the backup bucket.',
      hint:
        kind === 'folder'
          ? 'Check the folder permissions (and that the drive is not read-only), or choose another folder.'
          : 'Check the access key, the secret key and the permissions of the key for this bucket.',
      details,
    },
    { cause },
  );
}

export function destNotFound(kind: 'folder' | 's3', details: string, cause?: unknown): UserError {
  return new UserError(
    {
      code: 'DEST_NOT_FOUND',
      title: 'Backup location not found',
      message: kind === 'folder' ? 'The backup location cannot be found.' : 'The bucket for the backup location does not exist.',
      hint:
        kind === 'folder'
          ? 'Check that the drive is connected and the folder still exists, or choose another backup location.'
          : 'Check the bucket name and the endpoint, or create the bucket first.',
      details,
    },
    { cause },
  );
}

/** No DEST_UNREACHABLE code exists yet; DEST_NOT_FOUND with its own words is the closest. */
export function destUnreachable(details: string, cause?: unknown): UserError {
  return new UserError(
    {
      code: 'DEST_NOT_FOUND',
      title: 'Backup location not reachable',
      message: 'The backup location could not be reached.',
      hint: 'Check the network connection and the endpoint address, then try again.',
      details,
    },
    { cause },
  );
}

/** The storage service answered with a server error (after the client's own retries). Same code caveat as above. */
export function destServiceError(details: string, cause?: unknown): UserError {
  return new UserError(
    {
      code: 'DEST_NOT_FOUND',
      title: 'Backup location not available',
      message: 'The storage service of the backup location is not working properly right now.',
      hint: 'Try again later. If it keeps happening, check the status page of the storage service.',
      details,
    },
    { cause },
  );
}

export function wrongPassphrase(): UserError {
  return new UserError({
    code: 'WRONG_PASSPHRASE',
    title: 'Wrong passphrase',
    message: 'The passphrase is not right',
    hint: 'Check the passphrase. It cannot be recovered if it is lost.',
  });
}

export function passphraseRequired(): UserError {
  return new UserError({
    code: 'PASSPHRASE_REQUIRED',
    title: 'Passphrase needed',
    message: 'This backup location is protected by a passphrase.',
    hint: 'Enter the passphrase that was chosen when the backup location was set up.',
  });
}

export function repoNotFound(where: string): UserError {
  return new UserError({
    code: 'REPO_NOT_FOUND',
    title: 'No backups here',
    message: 'There is no backup in this location.',
    hint: 'Choose the folder or bucket that holds your backups, or set up a new backup location here.',
    details: `no config file in ${where}`,
  });
}

export function repoUnsupportedVersion(version: unknown): UserError {
  return new UserError({
    code: 'REPO_UNSUPPORTED_VERSION',
    title: 'Newer backup format',
    message: 'These backups were made by a newer version of PCI Maintenance.',
    hint: 'Update PCI Maintenance, then open the backup location again.',
    details: `backup format version ${String(version)}; this app reads versions 1 and 2`,
  });
}

export function snapshotNotFound(id: string): UserError {
  return new UserError({
    code: 'SNAPSHOT_NOT_FOUND',
    title: 'Restore point not found',
    message: 'This restore point no longer exists.',
    hint: 'Refresh the list of restore points and choose another one.',
    details: `snapshot ${id}`,
  });
}

export function busy(details: string): UserError {
  return new UserError({
    code: 'BUSY',
    title: 'Backup location in use',
    message: 'Another backup or maintenance job is using this backup location',
    hint: 'Wait for it to finish, then try again.',
    details,
  });
}

/** Plain wording for the `details` field: the error's code/name and message, never an object dump. */
export function describeCause(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ? `${code}: ${err.message}` : `${err.name}: ${err.message}`;
  }
  return String(err);
}
