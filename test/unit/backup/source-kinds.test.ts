// The registry of source kinds: a backup takes the database first, then the bucket (every file
// record in the dump must have its object), then folders — whatever order the ports come in.
import { describe, expect, it } from 'vitest';
import { backupOrder, SOURCE_KINDS, type BackupPorts } from '../../../electron/core/sources/kind';

describe('source kinds', () => {
  it('back up in the registry order, leaving out kinds the connection does not have', () => {
    const folder = ['/srv/site'];
    const s3 = { bucket: 'pci-files' } as BackupPorts['s3'];
    const mongodb = { database: 'pcifm' } as BackupPorts['mongodb'];
    expect(backupOrder({ folder, s3, mongodb })).toEqual(['mongodb', 's3', 'folder']);
    expect(backupOrder({ folder, s3 })).toEqual(['s3', 'folder']);
    expect(backupOrder({ folder })).toEqual(['folder']);
    expect(backupOrder({})).toEqual([]);
  });

  it('say in plain words what they back up', () => {
    expect(SOURCE_KINDS.mongodb.label({ database: 'pcifm' } as BackupPorts['mongodb'])).toBe('the MongoDB database “pcifm”');
    expect(SOURCE_KINDS.s3.label({ bucket: 'pci-files' } as BackupPorts['s3'])).toBe('the files in the bucket “pci-files”');
    expect(SOURCE_KINDS.folder.label(['/srv/site'])).toBe('the folder /srv/site');
    expect(SOURCE_KINDS.folder.label(['/a', '/b'])).toBe('2 folders');
  });
});
