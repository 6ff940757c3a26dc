// The small rules of the backup engine, one by one: resuming a read by `_id`, metadata.json, folder
// names, matching a listing against the previous restore point, locks between backups, tags, progress.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BSON, Int32, Long, ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { checkTags, newestOfProfile } from '../../../electron/core/backup/backup';
import { triggerOf } from '../../../electron/core/backup/snapshots';
import { backupTags, backupTitle } from '../../../electron/core/backup/profile-jobs';
import { folderNames } from '../../../electron/core/sources/folders';
import { metadataJson } from '../../../electron/core/sources/mongo-catalog';
import { rawId, resumeFilter } from '../../../electron/core/sources/mongo-resume';
import { PreviousObjects } from '../../../electron/core/sources/r2-list';
import { acquire, FolderStore, type R2ObjectEntry, type SnapshotHeader } from '../../../electron/core/repository';
import { progressText } from '../../../electron/cli/progress';
import { UserError } from '../../../shared/errors';

describe('resuming a collection read', () => {
  it('keeps the exact type of the last _id', () => {
    const doc = Buffer.from(BSON.serialize({ _id: new Int32(7), x: 1 }));
    const id = rawId(doc) as Int32;
    expect(id._bsontype).toBe('Int32');
    expect(rawId(Buffer.from(BSON.serialize({ _id: Long.fromNumber(5) })))).toBeInstanceOf(Long);
  });

  it('continues into the later type brackets, which $gt alone would skip', () => {
    expect(resumeFilter(5)).toEqual({ $or: [{ _id: { $gt: 5 } }, { _id: { $type: expect.arrayContaining(['string', 'object', 'objectId', 'date', 'maxKey']) } }] });
    const afterOid = resumeFilter(new ObjectId()) as { $or: [unknown, { _id: { $type: string[] } }] };
    expect(afterOid.$or[1]._id.$type).toEqual(['bool', 'date', 'timestamp', 'regex', 'dbPointer', 'javascript', 'javascriptWithScope', 'maxKey']);
    expect(afterOid.$or[1]._id.$type).not.toContain('double');
    expect(resumeFilter({ $maxKey: 1, _bsontype: 'MaxKey' })).toEqual({ _id: { $gt: { $maxKey: 1, _bsontype: 'MaxKey' } } });
  });
});

describe('metadata.json', () => {
  it('is canonical Extended JSON with indexes, uuid, collectionName, type and options, in that order', () => {
    const text = metadataJson({ name: 'files', type: 'collection', options: { capped: true, size: new Int32(4096) }, uuid: 'ab'.repeat(16) }, [{ v: new Int32(2), key: { _id: new Int32(1) }, name: '_id_' }]).toString();
    expect(text).toBe(`{"indexes":[{"v":{"$numberInt":"2"},"key":{"_id":{"$numberInt":"1"}},"name":"_id_"}],"uuid":"${'ab'.repeat(16)}","collectionName":"files","type":"collection","options":{"capped":true,"size":{"$numberInt":"4096"}}}`);
  });

  it('gives views no indexes and no uuid', () => {
    const view = JSON.parse(metadataJson({ name: 'v', type: 'view', options: { viewOn: 'files', pipeline: [] }, uuid: null }, [{ name: 'ignored' }]).toString());
    expect(view).toEqual({ indexes: [], collectionName: 'v', type: 'view', options: { viewOn: 'files', pipeline: [] } });
  });
});

describe('configuration folder names', () => {
  it('uses the folder name, made unique, and "root" for a drive root', () => {
    expect(folderNames(['/etc/pci/config', '/opt/pci/config', '/srv/data', '/'])).toEqual(['config', 'config-2', 'data', 'root']);
  });
});

describe('matching the listing against the previous restore point', () => {
  const entry = (key: string): R2ObjectEntry => ({ kind: 'r2-object', path: `r2/b/${key}`, bucket: 'b', key, size: 1, etag: '"e"', lastModified: '2025-01-01T00:00:00.000Z', contentType: null, cacheControl: null, contentDisposition: null, contentEncoding: null, contentLanguage: null, userMetadata: {}, chunks: [] });
  async function* source(keys: string[]) {
    for (const k of keys) yield entry(k);
  }

  it('finds keys in one forward pass, in UTF-8 byte order', async () => {
    // 'Z' < 'a' < 'é' by bytes; a key gone since and a key added since are both handled.
    const prev = new PreviousObjects(source(['A', 'Z', 'a', 'gone', 'é'])[Symbol.asyncIterator](), () => undefined);
    expect((await prev.lookup('Z'))?.key).toBe('Z');
    expect(await prev.lookup('added')).toBeNull();
    expect((await prev.lookup('é'))?.key).toBe('é');
    expect(await prev.lookup('ü')).toBeNull();
  });

  it('falls back to downloading when the previous manifest cannot be read', async () => {
    async function* broken() {
      yield entry('a');
      throw new Error('damaged part');
    }
    const errors: unknown[] = [];
    const prev = new PreviousObjects(broken()[Symbol.asyncIterator](), (e) => errors.push(e));
    expect((await prev.lookup('a'))?.key).toBe('a');
    expect(await prev.lookup('b')).toBeNull();
    expect(errors).toHaveLength(1);
  });
});

describe('locks between backups', () => {
  it('lets only one backup write to a location, while other shared jobs may run beside it', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pci-locks-'));
    try {
      const a = new FolderStore(dir);
      const b = new FolderStore(dir);
      const first = await acquire(a, 'shared', { operation: 'backup', conflictsWith: ['backup'], refreshIntervalMs: 0 });
      const err = await acquire(b, 'shared', { operation: 'backup', conflictsWith: ['backup'], refreshIntervalMs: 0 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).code).toBe('BUSY');
      const verify = await acquire(b, 'shared', { operation: 'verify', refreshIntervalMs: 0 });
      await verify.release();
      await first.release();
      const again = await acquire(b, 'shared', { operation: 'backup', conflictsWith: ['backup'], refreshIntervalMs: 0 });
      await again.release();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('tags, triggers and parents', () => {
  it('accepts the format tags and refuses others with a plain message', () => {
    expect(checkTags(['manual', 'pre-update', 'manual'])).toEqual(['manual', 'pre-update']);
    expect(() => checkTags(['Before Upgrade'])).toThrow('"Before Upgrade" cannot be used as a tag.');
    expect(triggerOf(['manual', 'pre-update'])).toBe('pre-update');
    expect(triggerOf(['mine'])).toBe('other');
    expect(triggerOf(['event', 'gallery-added'])).toBe('event');
    expect(triggerOf(['event', 'pre-update'])).toBe('pre-update');
  });

  it('an event backup is tagged "event" first, with its own tags, and titled with them', () => {
    expect(backupTags({ event: true, tags: ['gallery-added'] })).toEqual(['event', 'gallery-added']);
    expect(backupTags({ event: true })).toEqual(['event']);
    expect(backupTags({ tags: [] })).toEqual(['manual']);
    expect(backupTitle('Office', { event: true, tags: ['gallery-added', 'photo-uploaded'] })).toBe('Event backup of "Office" (gallery-added, photo-uploaded)');
    expect(backupTitle('Office', { tags: ['mine'] })).toBe('Backup of "Office"');
  });

  it('takes the newest restore point of the same profile as the parent', () => {
    const h = (id: string, profile: string, createdAt: string) => ({ id, profile, createdAt }) as SnapshotHeader;
    const list = [h('1', 'A', '2025-01-01T00:00:00Z'), h('2', 'B', '2025-01-03T00:00:00Z'), h('3', 'A', '2025-01-02T00:00:00Z')];
    expect(newestOfProfile(list, 'A')?.id).toBe('3');
    expect(newestOfProfile(list, 'C')).toBeNull();
  });
});

describe('CLI progress line', () => {
  it('shows phase, bar, amounts and time left', () => {
    const text = progressText({ phase: 'Backing up files in R2', done: 5, total: 10, unit: 'files', bytesDone: 500_000_000, bytesTotal: 1_000_000_000, etaSeconds: 125, message: '' }, 200);
    expect(text).toBe('Backing up files in R2  [############------------] 50%  500 MB of 1.0 GB  5 of 10 files  About 2 min 5 s left');
    expect(progressText({ phase: 'Saving the restore point', done: 0, total: null, unit: 'steps', bytesDone: 0, bytesTotal: null, etaSeconds: null, message: '' })).toBe('Saving the restore point');
  });
});
