// Where conformance tests run: the TEST DOUBLE by default, a real mongod when PCI_TEST_MONGODB_URI is
// set. Each run gets its own database name so a shared real server is never disturbed.
import { randomBytes } from 'node:crypto';
import { startMongoTestServer, type MongoTestServer } from './index';

export interface ConformanceTarget {
  uri: string;
  /** A fresh database name for this run (drop it when done). */
  dbName: string;
  /** True when running against the test double rather than a real mongod. */
  isDouble: boolean;
  close(): Promise<void>;
}

export async function openConformanceTarget(prefix = 'pci_conformance'): Promise<ConformanceTarget> {
  const dbName = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const real = process.env.PCI_TEST_MONGODB_URI;
  if (real) return { uri: real, dbName, isDouble: false, close: async () => undefined };
  const server: MongoTestServer = await startMongoTestServer();
  return { uri: server.uri, dbName, isDouble: true, close: () => server.close() };
}
