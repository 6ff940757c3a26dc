// Double-only behaviour of the MongoDB wire-protocol test double: fault injection, authentication,
// replica-set mode and counters. These cannot run against a real mongod (no fault injection there).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, MongoNetworkError, MongoServerError, type Document } from 'mongodb';
import { startMongoTestServer, type MongoTestServer } from '../support/mongo-wire/index';

const OPTS = { serverSelectionTimeoutMS: 2000 } as const;

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => undefined, (e: unknown) => e);
}

describe('fault injection', () => {
  let server: MongoTestServer;
  let client: MongoClient;
  const started: Document[] = [];

  beforeAll(async () => {
    server = await startMongoTestServer();
    client = new MongoClient(server.uri, { ...OPTS, monitorCommands: true });
    client.on('commandStarted', (e) => started.push({ name: e.commandName }));
    await client.connect();
  });

  afterEach(() => server.reset());

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  const seed = async (name: string, n = 5): Promise<void> => {
    await client.db('f').collection<{ _id: number }>(name).insertMany(Array.from({ length: n }, (_, i) => ({ _id: i + 1 })));
  };

  it('drops the connection mid-cursor after N documents', async () => {
    await seed('drop');
    server.faults.dropConnectionAfterDocuments(3, { collection: 'drop' });
    const received: unknown[] = [];
    const err = await failure((async () => {
      for await (const doc of client.db('f').collection('drop').find({}, { batchSize: 2 })) received.push(doc._id);
    })());
    expect(err).toBeInstanceOf(MongoNetworkError);
    expect(received).toEqual([1, 2, 3]);
    // One-shot: the next read works on a fresh connection.
    expect(await client.db('f').collection('drop').countDocuments()).toBe(5);
  });

  it('only counts cursors on the named collection', async () => {
    await seed('other');
    await seed('target');
    server.faults.dropConnectionAfterDocuments(2, { collection: 'f.target' });
    expect(await client.db('f').collection('other').find().toArray()).toHaveLength(5);
    expect(await failure(client.db('f').collection('target').find({}, { batchSize: 2 }).toArray())).toBeInstanceOf(MongoNetworkError);
  });

  it('drops a first batch too, which the driver retries once (retryable reads)', async () => {
    await seed('first');
    server.faults.dropConnectionAfterDocuments(0);
    expect(await client.db('f').collection('first').find().toArray()).toHaveLength(5);
  });

  it('answers CursorNotFound after killAllCursors', async () => {
    await seed('reaped');
    const cursor = client.db('f').collection('reaped').find({}, { batchSize: 2 });
    expect((await cursor.next())?._id).toBe(1);
    server.faults.killAllCursors();
    const err = await failure(cursor.toArray());
    expect(err).toBeInstanceOf(MongoServerError);
    expect((err as MongoServerError).code).toBe(43);
    await cursor.close();
  });

  it('fails a command the given number of times', async () => {
    server.faults.failCommand('insert', { code: 2, codeName: 'BadValue', errmsg: 'injected', times: 1 });
    const err = await failure(client.db('f').collection('fc').insertOne({ a: 1 }));
    expect(err).toBeInstanceOf(MongoServerError);
    expect((err as MongoServerError).code).toBe(2);
    expect((err as MongoServerError).message).toBe('injected');
    await client.db('f').collection('fc').insertOne({ a: 2 });
    expect(await client.db('f').collection('fc').countDocuments()).toBe(1);
  });

  it('lets the driver retry a read after a retryable error', async () => {
    await seed('retry', 2);
    server.faults.failCommand('find', { code: 6, codeName: 'HostUnreachable', times: 1 });
    const before = started.filter((c) => c.name === 'find').length;
    expect(await client.db('f').collection('retry').find().toArray()).toHaveLength(2);
    expect(started.filter((c) => c.name === 'find').length - before).toBe(2);
  });

  it('delays replies (but not the handshake)', async () => {
    server.faults.delayReplies(150);
    const t0 = performance.now();
    await client.db('f').command({ ping: 1 });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    server.faults.clear();
    const t1 = performance.now();
    await client.db('f').command({ ping: 1 });
    expect(performance.now() - t1).toBeLessThan(140);
  });

  it('answers unknown commands with CommandNotFound and counts operations', async () => {
    const err = await failure(client.db('f').command({ noSuchCommand: 1 }));
    expect((err as MongoServerError).code).toBe(59);
    const before = (await client.db('admin').command({ serverStatus: 1 })).opcounters;
    await seed('counted', 3);
    await client.db('f').collection('counted').find({}, { batchSize: 1 }).toArray();
    const after = (await client.db('admin').command({ serverStatus: 1 })).opcounters;
    expect(Number(after.insert) - Number(before.insert)).toBe(3);
    expect(Number(after.query) - Number(before.query)).toBe(1);
    expect(Number(after.getmore) - Number(before.getmore)).toBeGreaterThanOrEqual(2);
  });

  it('refuses documents over 16 MiB with BSONObjectTooLarge', async () => {
    const err = await failure(client.db('f').collection('big').insertOne({ blob: Buffer.alloc(16 * 1024 * 1024) }));
    expect(err).toBeInstanceOf(MongoServerError);
    expect((err as MongoServerError).code).toBe(10334);
  });

  it('drops every database on reset', async () => {
    await seed('gone', 1);
    server.reset();
    const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
    expect(databases.map((d) => d.name)).not.toContain('f');
  });
});

describe('authentication', () => {
  it('reject-all: commands fail with AuthenticationFailed (18)', async () => {
    const server = await startMongoTestServer({ auth: 'reject-all' });
    const client = new MongoClient(server.uri, OPTS);
    try {
      await client.db('admin').command({ ping: 1 });
      const err = await failure(client.db('x').collection('y').findOne());
      expect(err).toBeInstanceOf(MongoServerError);
      expect((err as MongoServerError).code).toBe(18);
      const withCreds = new MongoClient(server.uri, { ...OPTS, auth: { username: 'u', password: 'p' } });
      const err2 = await failure(withCreds.connect());
      expect((err2 as MongoServerError).code).toBe(18);
      await withCreds.close();
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('SCRAM-SHA-256: right password works, wrong password gets code 18, none gets 13', async () => {
    const server = await startMongoTestServer({ auth: { username: 'pci', password: 's3cret' } });
    const good = new MongoClient(server.uri, { ...OPTS, auth: { username: 'pci', password: 's3cret' } });
    const bad = new MongoClient(server.uri, { ...OPTS, auth: { username: 'pci', password: 'wrong' } });
    const anonymous = new MongoClient(server.uri, OPTS);
    try {
      await good.db('app').collection('c').insertOne({ ok: true });
      expect(await good.db('app').collection('c').countDocuments()).toBe(1);
      const err = await failure(bad.connect());
      expect(err).toBeInstanceOf(MongoServerError);
      expect((err as MongoServerError).code).toBe(18);
      const err3 = await failure(anonymous.db('app').collection('c').findOne());
      expect((err3 as MongoServerError).code).toBe(13);
    } finally {
      await Promise.all([good.close(), bad.close(), anonymous.close()]);
      await server.close();
    }
  });
});

describe('topology', () => {
  it('acts as a replica-set primary and serves snapshot reads with atClusterTime', async () => {
    const server = await startMongoTestServer({ replSetName: 'rs0' });
    expect(server.uri).toContain('replicaSet=rs0');
    const client = new MongoClient(server.uri, { ...OPTS, monitorCommands: true });
    const replies: Document[] = [];
    client.on('commandSucceeded', (e) => replies.push(e.reply as Document));
    try {
      const hello = await client.db('admin').command({ hello: 1 });
      expect(hello).toMatchObject({ setName: 'rs0', isWritablePrimary: true, hosts: [`${server.host}:${server.port}`] });
      await client.db('s').collection('c').insertMany([{ a: 1 }, { a: 2 }]);
      const session = client.startSession({ snapshot: true });
      try {
        expect(await client.db('s').collection('c').find({}, { session }).toArray()).toHaveLength(2);
        expect(await client.db('s').collection('c').find({}, { session }).toArray()).toHaveLength(2);
      } finally {
        await session.endSession();
      }
      expect(replies.some((r) => (r.cursor as Document | undefined)?.atClusterTime)).toBe(true);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('refuses snapshot reads on a standalone like mongod (NotAReplicaSet, 123)', async () => {
    const server = await startMongoTestServer();
    const client = new MongoClient(server.uri, OPTS);
    try {
      const session = client.startSession({ snapshot: true });
      const err = await failure(client.db('s').collection('c').find({}, { session }).toArray());
      await session.endSession();
      expect((err as MongoServerError).code).toBe(123);
      const status = await client.db('admin').command({ buildInfo: 1 });
      expect(status.versionArray).toEqual([7, 0, 0, 0]);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
