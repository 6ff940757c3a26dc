// MongoDB wire-protocol TEST DOUBLE: an in-process server on 127.0.0.1 that the official `mongodb`
// driver talks to over TCP, for tests and the demo (DESIGN §8). It is not MongoDB; see README.md.
import { ServerState } from './context';
import { CursorManager } from './cursors';
import { FaultController } from './faults';
import { ScramServer, type ScramUser } from './scram';
import { WireServer } from './server';
import { Storage } from './storage';
import { TtlMonitor } from './ttl';

export { FaultController } from './faults';
export type { CommandFailure, DropOptions } from './faults';
export type { ScramUser } from './scram';

export interface MongoTestServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 = any free port. */
  port?: number;
  /** When set, hello answers as the primary of this one-member replica set and snapshot reads work. */
  replSetName?: string;
  /** SCRAM-SHA-256 user, or 'reject-all' (every command but hello/isMaster/ping fails with code 18). */
  auth?: { username: string; password: string } | 'reject-all';
  /**
   * More SCRAM users, each defined in `db` (default 'admin': then a client needs authSource=admin, as
   * with mongod) with built-in `roles` (default root), enforced per command (auth-roles.ts). Implies
   * authentication even without `auth`.
   */
  users?: ScramUser[];
  /**
   * Default true. false: like mongod without access control that still has users — signing in works
   * and connectionStatus lists the roles, but no command is refused.
   */
  enforceRoles?: boolean;
  /** Default '7.0.0'. */
  serverVersion?: string;
  /** minSnapshotHistoryWindowInSeconds (default 300, as mongod); also settable with setParameter. */
  snapshotHistoryWindowSeconds?: number;
  /** ttlMonitorSleepSecs (default 60, as mongod); also settable with setParameter. */
  ttlMonitorSleepSecs?: number;
}

export interface MongoTestServer {
  /** mongodb://host:port/ (with ?replicaSet=NAME when replSetName is set); never contains credentials. */
  uri: string;
  host: string;
  port: number;
  faults: FaultController;
  /** Closes the listener and every open connection. */
  close(): Promise<void>;
  /** Drops all databases and cursors and clears faults. */
  reset(): void;
}

export async function startMongoTestServer(opts: MongoTestServerOptions = {}): Promise<MongoTestServer> {
  const host = opts.host ?? '127.0.0.1';
  const storage = new Storage();
  const cursors = new CursorManager();
  const faults = new FaultController(() => cursors.killAll());
  cursors.faults = faults;
  const users = [...(opts.auth && opts.auth !== 'reject-all' ? [opts.auth] : []), ...(opts.users ?? [])];
  const auth = opts.auth ?? users[0];
  const state = new ServerState({ host, port: opts.port ?? 0, replSetName: opts.replSetName, serverVersion: opts.serverVersion ?? '7.0.0', auth, enforceRoles: opts.enforceRoles ?? true }, storage, cursors, faults);
  if (opts.snapshotHistoryWindowSeconds !== undefined) state.params.set('minSnapshotHistoryWindowInSeconds', opts.snapshotHistoryWindowSeconds);
  if (opts.ttlMonitorSleepSecs !== undefined) state.params.set('ttlMonitorSleepSecs', opts.ttlMonitorSleepSecs);
  // Only a replica set serves snapshot reads, so only there do collections keep versions.
  if (opts.replSetName) storage.history = { clock: () => state.clusterTime(true), window: () => state.params.minSnapshotHistoryWindowInSeconds };
  if (auth !== 'reject-all' && users.length > 0) state.scram = new ScramServer(users);
  const ttl = new TtlMonitor(storage, state.params, state.ttlStats);
  ttl.start();
  const wire = new WireServer(state);
  const port = await wire.listen(host, opts.port ?? 0);
  state.config.port = port; // hello must name the real address (`me`, `hosts`) once the port is known
  const query = opts.replSetName ? `?replicaSet=${encodeURIComponent(opts.replSetName)}` : '';
  return {
    uri: `mongodb://${host}:${port}/${query}`,
    host,
    port,
    faults,
    close: () => {
      ttl.stop();
      return wire.close();
    },
    reset: () => {
      storage.dbs.clear();
      cursors.killAll();
      faults.clear();
    },
  };
}
