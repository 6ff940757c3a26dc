// Where conformance cases that need a replica set run: a one-member replica set of the TEST DOUBLE by
// default, or the real server of PCI_TEST_MONGODB_URI (cases needing a replica set skip themselves
// when that one is a standalone: `replicated` is false).
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { startMongoTestServer, type MongoTestServerOptions } from './index';

export interface ReplSetTarget {
  uri: string;
  dbName: string;
  isDouble: boolean;
  /** True when the server answers `hello` as a replica set member (snapshot reads possible). */
  replicated: boolean;
  close(): Promise<void>;
}

export async function openReplSetTarget(prefix = 'pci_conformance_rs', options: Omit<MongoTestServerOptions, 'replSetName'> = {}): Promise<ReplSetTarget> {
  const dbName = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const real = process.env.PCI_TEST_MONGODB_URI;
  if (real) {
    const probe = new MongoClient(real, { serverSelectionTimeoutMS: 5000 });
    const hello = await probe.db('admin').command({ hello: 1 }).finally(() => probe.close());
    return { uri: real, dbName, isDouble: false, replicated: typeof hello.setName === 'string', close: async () => undefined };
  }
  const server = await startMongoTestServer({ ...options, replSetName: 'rs0' });
  return { uri: server.uri, dbName, isDouble: true, replicated: true, close: () => server.close() };
}
