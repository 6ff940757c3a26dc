// Where privilege conformance tests run: the TEST DOUBLE with authentication (a root user in admin),
// or a real mongod when PCI_TEST_MONGODB_URI is set — that connection string must sign in as a user
// who may create users (root or userAdminAnyDatabase) on a server started with --auth, otherwise the
// privilege cases are skipped (`enforced` is false). Users made by a test are dropped by `close`.
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { startMongoTestServer, type MongoTestServer } from './index';

export interface AuthTarget {
  /** A fresh database name for this run. */
  dbName: string;
  isDouble: boolean;
  /** False on a real server that does not check users: privilege cases cannot be shown there. */
  enforced: boolean;
  /** Signed in as the administrator. */
  admin: MongoClient;
  /** Creates a user in `userDb` with `roles`; returns its connection string (path and options as given). */
  createUser(userDb: string, roles: Array<{ role: string; db: string }>, uriTail?: (user: string) => string): Promise<{ user: string; password: string; uri: string }>;
  close(): Promise<void>;
}

function withCredentials(uri: string, user: string, password: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/)(?:[^@/]*@)?([^/?]+)/.exec(uri);
  if (!m) throw new Error(`not a MongoDB connection string: ${uri}`);
  return `${m[1]}${encodeURIComponent(user)}:${encodeURIComponent(password)}@${m[2]}`;
}

export async function openAuthTarget(prefix = 'pci_privileges'): Promise<AuthTarget> {
  const dbName = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const real = process.env.PCI_TEST_MONGODB_URI;
  let server: MongoTestServer | null = null;
  let adminUri: string;
  if (real) adminUri = real;
  else {
    const password = randomBytes(9).toString('base64url');
    server = await startMongoTestServer({ auth: { username: 'conformance-root', password } });
    adminUri = `${withCredentials(server.uri, 'conformance-root', password)}/?authSource=admin`;
  }
  const admin = new MongoClient(adminUri, { serverSelectionTimeoutMS: 5000 });
  await admin.connect();
  const made: Array<{ db: string; user: string }> = [];
  const base = real ?? (server as MongoTestServer).uri;
  const target: AuthTarget = {
    dbName,
    isDouble: !real,
    enforced: false,
    admin,
    async createUser(userDb, roles, uriTail = () => `/?authSource=${encodeURIComponent(userDb)}`) {
      const user = `pci_${randomBytes(4).toString('hex')}`;
      const password = randomBytes(9).toString('base64url');
      await admin.db(userDb).command({ createUser: user, pwd: password, roles });
      made.push({ db: userDb, user });
      return { user, password, uri: `${withCredentials(base, user, password)}${uriTail(user)}` };
    },
    async close() {
      for (const m of made) await admin.db(m.db).command({ dropUser: m.user }).catch(() => undefined);
      await admin.db(dbName).dropDatabase().catch(() => undefined);
      await admin.close();
      await server?.close();
    },
  };
  // Enforced means a read-only user really cannot write (a server without --auth signs users in and
  // lists their roles, but refuses nothing).
  const status = await admin.db('admin').command({ connectionStatus: 1 });
  if ((status.authInfo?.authenticatedUsers ?? []).length > 0) {
    const probe = await target.createUser(dbName, [{ role: 'read', db: dbName }]);
    const client = new MongoClient(probe.uri, { serverSelectionTimeoutMS: 5000 });
    try {
      const err = await client.db(dbName).collection('probe').insertOne({}).then(() => null, (e: unknown) => e as { code?: number });
      target.enforced = err?.code === 13;
    } finally {
      await client.close();
      await admin.db(dbName).collection('probe').drop().catch(() => undefined);
    }
  }
  return target;
}
