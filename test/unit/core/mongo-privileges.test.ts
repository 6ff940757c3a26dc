// How "what this user may do" is judged from connectionStatus replies shaped as real servers send them
// (privileges on one database, on every database, on single collections, on any resource).
import { describe, expect, it } from 'vitest';
import { grantHint, privilegeSentence, privilegesFromStatus, serverStatusSentence } from '../../../electron/core/connections/mongo-privileges';

const status = (privileges: unknown[], roles: unknown[] = []) => ({ authInfo: { authenticatedUsers: [{ user: 'pci', db: 'admin' }], authenticatedUserRoles: roles, authenticatedUserPrivileges: privileges } });
const READ = ['changeStream', 'collStats', 'dbHash', 'dbStats', 'find', 'killCursors', 'listCollections', 'listIndexes'];
const WRITE = [...READ, 'convertToCapped', 'createCollection', 'createIndex', 'dropCollection', 'dropIndex', 'insert', 'remove', 'renameCollectionSameDB', 'update'];

describe('privileges from connectionStatus', () => {
  it('no signed-in user: the server does not check, everything is allowed', () => {
    const p = privilegesFromStatus({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] } }, 'pcifiles');
    expect(p.enforced).toBe(false);
    expect(privilegeSentence(p)).toBe('This server does not check users: everything is allowed (back up, restore, test-restore, pre-update checks).');
    expect(grantHint(p)).toBe('');
  });

  it('readWriteAnyDatabase (privileges on db "") covers the database; no bypass, no server status', () => {
    const p = privilegesFromStatus(status([{ resource: { db: '', collection: '' }, actions: WRITE }, { resource: { cluster: true }, actions: ['listDatabases'] }]), 'pcifiles');
    expect(Object.values(p.missing).flat()).toEqual([]);
    expect(p.bypassValidation).toBe(false);
    expect(serverStatusSentence(p)).toContain('db.grantRolesToUser("pci", [{ role: "clusterMonitor", db: "admin" }])');
  });

  it('rights on another database or on single collections prove nothing about this one', () => {
    const p = privilegesFromStatus(status([{ resource: { db: 'other', collection: '' }, actions: WRITE }, { resource: { db: 'pcifiles', collection: 'files' }, actions: WRITE }]), 'pcifiles');
    expect(p.missing.backup).toEqual(['find', 'listCollections', 'listIndexes']);
    expect(privilegeSentence(p)).toBe('The user "pci" may not back up, restore, test-restore or run the pre-update checks on "pcifiles".');
    expect(grantHint(p)).toBe('Ask whoever manages MongoDB to run, in mongosh: use admin, then db.grantRolesToUser("pci", [{ role: "readWrite", db: "pcifiles" }])');
  });

  it('root-like anyResource privileges allow everything, bypass and server status included', () => {
    const p = privilegesFromStatus(status([{ resource: { anyResource: true }, actions: [...WRITE, 'bypassDocumentValidation', 'serverStatus'] }]), 'pcifiles');
    expect(privilegeSentence(p)).toBe('The user "pci" may back up, restore, test-restore and run the pre-update checks on "pcifiles".');
    expect(p.bypassValidation).toBe(true);
    expect(serverStatusSentence(p)).toBe('');
  });

  it('read only: back up and checks, not restore; the one grant that fixes both', () => {
    const p = privilegesFromStatus(status([{ resource: { db: 'pcifiles', collection: '' }, actions: READ }]), 'pcifiles');
    expect(privilegeSentence(p)).toBe('The user "pci" may back up and run the pre-update checks on "pcifiles", but not restore or test-restore.');
    expect(p.missing.restore).toEqual(['insert', 'update', 'remove', 'createCollection', 'createIndex', 'dropCollection', 'renameCollectionSameDB']);
  });
});
