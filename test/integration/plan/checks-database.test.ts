// The plan's database checks through the real `mongodb` driver against the MongoDB test double:
// validate on every collection, serverStatus, and the optimisation advice ($indexStats, storage left by
// deletes, the file records' key index) — as an administrator and as users without the roles.
import { MongoClient, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbValidate } from '../../../electron/core/plan/checks/db-validate';
import { dbAdvice } from '../../../electron/core/plan/checks/db-advice';
import { mongoStatus } from '../../../electron/core/plan/checks/mongo-status';
import { startMongoTestServer, type MongoTestServer } from '../../support/mongo-wire';
import { checkContext } from '../../support/plan';

const DB = 'pcifm';
let mongo: MongoTestServer;
const clients = new Map<string, MongoClient>();

async function as(user: 'root' | 'app' | 'admin'): Promise<MongoClient> {
  let client = clients.get(user);
  if (!client) {
    client = new MongoClient(`mongodb://${user}:pw-${user}@127.0.0.1:${mongo.port}/?authSource=admin`);
    await client.connect();
    clients.set(user, client);
  }
  return client;
}

const ctxFor = async (user: 'root' | 'app' | 'admin', extra: Parameters<typeof checkContext>[0] = {}) => {
  const client = await as(user);
  return checkContext({ ...extra, options: { validatePauseMs: 0, ...extra.options }, mongo: async () => ({ client, database: DB }) });
};

beforeAll(async () => {
  mongo = await startMongoTestServer({
    users: [
      { username: 'root', password: 'pw-root' },
      // What PCI File Manager itself usually has: readWrite on its database, nothing more.
      { username: 'app', password: 'pw-app', roles: [{ role: 'readWrite', db: DB }] },
      { username: 'admin', password: 'pw-admin', roles: [{ role: 'readWrite', db: DB }, { role: 'dbAdmin', db: DB }, { role: 'clusterMonitor', db: 'admin' }] },
    ],
  });
  const db = (await as('root')).db(DB);
  await db.collection('files').insertMany(Array.from({ length: 50 }, (_, i) => ({ key: `f/${i}.pdf`, owner: `u${i % 5}`, size: i * 100 })));
  await db.collection('users').insertMany([{ name: 'ann' }, { name: 'bob' }]);
  await db.collection('users').createIndex({ name: 1 });
  await db.createCollection('audit', { validator: { at: { $type: 'date' } }, validationAction: 'warn' });
  await db.collection('audit').insertMany([{ at: new Date() }, { at: 'yesterday' }]);
  await db.createCollection('files_by_owner', { viewOn: 'files', pipeline: [{ $sort: { owner: 1 } }] });
});

afterAll(async () => {
  for (const c of clients.values()) await c.close();
  await mongo.close();
});

describe('database verification (validate)', () => {
  it('verifies every collection (not views) and reports documents that break the rules as a warning', async () => {
    const r = await dbValidate.run(await ctxFor('admin'));
    expect(r.measured.collections).toBe(3);
    expect(r.measured.damaged).toBe(0);
    expect(r.measured.nonCompliantDocuments).toBe(1);
    expect(r.level).toBe('warning');
    expect(r.details.join('\n')).toMatch(/“audit”: 1 document that break/);
    expect(r.details.join('\n')).toMatch(/“files”: 50 documents, 1 index, all fine/);
  });

  it('ok when nothing is wrong', async () => {
    await (await as('root')).db(DB).collection('audit').deleteMany({ at: { $not: { $type: 'date' } } });
    const r = await dbValidate.run(await ctxFor('admin'));
    expect(r.level).toBe('ok');
    expect(r.summary).toBe('3 collections verified: no damage found.');
    await (await as('root')).db(DB).collection('audit').insertOne({ at: 'yesterday' });
  });

  it('not checked, saying which role it needs, for a user without dbAdmin', async () => {
    const r = await dbValidate.run(await ctxFor('app'));
    expect(r.level).toBe('not-checked');
    expect(r.whatToDo).toMatch(/dbAdmin/);
  });

  it('not checked (not failed) when MongoDB cannot be reached', async () => {
    const r = await dbValidate.run(checkContext({ mongo: async () => Promise.reject(new Error('connect ECONNREFUSED')) }));
    expect(r.level).toBe('not-checked');
  });
});

describe('database server resources (serverStatus)', () => {
  it('reads connections and op counters with clusterMonitor', async () => {
    const r = await mongoStatus.run(await ctxFor('admin'));
    expect(r.level).toBe('ok');
    expect(r.measured.connectionsCurrent as number).toBeGreaterThan(0);
    expect(r.measured.opInsert as number).toBeGreaterThan(0);
  });

  it('not checked for a user that may not read server statistics', async () => {
    const r = await mongoStatus.run(await ctxFor('app'));
    expect(r.level).toBe('not-checked');
    expect(r.whatToDo).toMatch(/clusterMonitor/);
  });

  it('critical when MongoDB does not answer', async () => {
    expect((await mongoStatus.run(checkContext({ mongo: async () => Promise.reject(new Error('down')) }))).level).toBe('critical');
  });
});

describe('optimisation advice', () => {
  const later = Date.now() + 10 * 86_400_000;

  it('no advice on a fresh database whose file records are indexed by key', async () => {
    await (await as('root')).db(DB).collection('files').createIndex({ key: 1 });
    const r = await dbAdvice.run(await ctxFor('admin', { targets: { fileRecords: { collection: 'files', keyField: 'key' } } }));
    expect(r.level, r.details.join('\n')).toBe('ok');
    expect(r.measured.fileRecordsKeyIndexed).toBe(true);
  });

  it('an index not used for longer than a week is pointed out; a used one is not', async () => {
    const files = (await as('root')).db(DB).collection('files');
    await files.findOne({ key: 'f/3.pdf' });
    const r = await dbAdvice.run(await ctxFor('admin', { now: () => later, targets: { fileRecords: { collection: 'files', keyField: 'key' } } }));
    expect(r.level).toBe('info');
    const text = r.details.join('\n');
    expect(text).toMatch(/“name_1” of “users” was not used since/);
    expect(text).not.toMatch(/“key_1”/);
    expect(r.measured.unusedIndexes).toBe(1);
  });

  it('storage left by a big delete: advises compact, saying what it costs', async () => {
    const db = (await as('root')).db(DB);
    await db.collection<Document>('events').insertMany(Array.from({ length: 400 }, (_, i) => ({ i, pad: 'x'.repeat(2000) })));
    await db.collection('events').deleteMany({ i: { $gte: 20 } });
    const r = await dbAdvice.run(await ctxFor('admin', { options: { compactMinBytes: 100_000 } }));
    const text = r.details.join('\n');
    expect(text).toMatch(/“events” takes .* on disk for .* of data/);
    expect(text).toMatch(/compact/);
    expect(text).toMatch(/maintenance window/);
    expect(r.measured.reclaimableBytes as number).toBeGreaterThan(500_000);
  });

  it('a missing index on the file records key is a warning; without clusterMonitor unused indexes are not checked', async () => {
    const r = await dbAdvice.run(await ctxFor('app', { targets: { fileRecords: { collection: 'files', keyField: 'owner' } } }));
    expect(r.level).toBe('warning');
    expect(r.details[0]).toMatch(/no index on “owner”/);
    expect(r.details.join('\n')).toMatch(/Unused indexes were not checked/);
    expect(r.measured.unusedIndexes).toBeNull();
  });
});

describe('database verification where the non-blocking mode is refused', () => {
  it('uses the quick blocking mode on a standalone server, but on a replica-set primary only when asked', async () => {
    const set = await startMongoTestServer({ replSetName: 'rs0' });
    const client = new MongoClient(set.uri);
    try {
      await client.db(DB).collection('files').insertOne({ key: 'a' });
      const ctx = (allowBlockingValidate: boolean) => checkContext({ options: { validatePauseMs: 0, allowBlockingValidate }, mongo: async () => ({ client, database: DB }) });
      const refuse = (server: MongoTestServer) => server.faults.failCommand('validate', { code: 72, codeName: 'InvalidOptions', errmsg: 'background validation is not supported', times: 1 });

      refuse(set);
      const unasked = await dbValidate.run(ctx(false));
      expect(unasked.level).toBe('info');
      expect(unasked.measured.notBlocked).toBe(1);
      expect(unasked.details.join('\n')).toMatch(/--allow-blocking/);

      refuse(set);
      const asked = await dbValidate.run(ctx(true));
      expect(asked.level).toBe('ok');
      expect(asked.measured.checked).toBe(1);

      refuse(mongo);
      const standalone = await dbValidate.run(await ctxFor('admin'));
      expect(standalone.measured.notBlocked).toBe(0);
      expect(standalone.measured.checked).toBe(standalone.measured.collections);
    } finally {
      await client.close();
      await set.close();
    }
  });
});
