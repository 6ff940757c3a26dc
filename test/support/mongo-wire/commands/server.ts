// Handshake, diagnostics and authentication commands of the TEST DOUBLE.
import { Binary, Long, ObjectId, type Document } from 'bson';
import os from 'node:os';
import type { CommandContext, Handler } from '../context';
import { mergedPrivileges, privilegesOf } from '../auth-roles';
import { CommandError } from '../errors';
import { docArg } from './common';

const ELECTION_ID = new ObjectId('7fffffff0000000000000001');

function versionParts(version: string): number[] {
  const parts = version.split(/[.-]/).map((p) => Number.parseInt(p, 10)).filter((n) => !Number.isNaN(n));
  while (parts.length < 4) parts.push(0);
  return parts.slice(0, 4);
}

/**
 * The wire version a mongod of `version` announces (the server's wire_version.h): 4.4 → 9, 5.0 → 13,
 * 5.x → 13 + x, 6.0 → 17, 6.x → 17 + x, 7.0 → 21, 7.x → 21 + x, 8.0 → 25.
 */
export function maxWireVersionOf(version: string): number {
  const [major, minor] = versionParts(version);
  if (major >= 8) return 25 + (major - 8) * 4 + minor;
  if (major >= 5) return 13 + (major - 5) * 4 + minor;
  if (major === 4) return [7, 7, 8, 8, 9][minor] ?? 9;
  return major === 3 && minor >= 6 ? 6 : 5;
}

/** `hello` exists from 4.4.2 (and 4.2.10, 4.0.21); older servers answer CommandNotFound. */
export function knowsHello(version: string): boolean {
  const [major, minor, patch] = versionParts(version);
  return major > 4 || (major === 4 && (minor > 4 || (minor === 4 && patch >= 2)));
}

const hello: Handler = (ctx) => {
  const { server, conn, body } = ctx;
  const legacy = ctx.name.toLowerCase() === 'ismaster';
  const version = server.config.serverVersion;
  if (!legacy && !knowsHello(version)) throw new CommandError('CommandNotFound', `no such command: '${ctx.name}'`);
  const reply: Document = {
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    ...(body.helloOk && knowsHello(version) ? { helloOk: true } : {}),
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: conn.id,
    minWireVersion: 0,
    maxWireVersion: maxWireVersionOf(version),
    readOnly: false,
  };
  if (server.isReplSet) {
    Object.assign(reply, {
      setName: server.config.replSetName, setVersion: 1, hosts: [server.address], primary: server.address,
      me: server.address, secondary: false, electionId: ELECTION_ID,
      lastWrite: { opTime: { ts: server.clusterTime(), t: Long.fromNumber(1) }, lastWriteDate: new Date() },
    });
  }
  // The driver asks which mechanisms "db.user" may use; answering SCRAM-SHA-256 makes it pick that one.
  const mechsFor = body.saslSupportedMechs;
  if (typeof mechsFor === 'string' && server.scram?.knows(mechsFor.slice(0, Math.max(0, mechsFor.indexOf('.'))), mechsFor.slice(mechsFor.indexOf('.') + 1))) {
    reply.saslSupportedMechs = ['SCRAM-SHA-256'];
  }
  return reply;
};

const buildInfo: Handler = ({ server }) => ({
  version: server.config.serverVersion,
  gitVersion: 'mongo-wire-test-double',
  versionArray: versionParts(server.config.serverVersion),
  bits: 64, debug: false, maxBsonObjectSize: 16 * 1024 * 1024,
  storageEngines: ['mongo-wire-test-double'], modules: [], javascriptEngine: 'none', allocator: 'system',
  openssl: { running: 'disabled' }, buildEnvironment: {},
});

const serverStatus: Handler = ({ server }) => {
  const uptimeMillis = Date.now() - server.startedAt.getTime();
  const status: Document = {
    host: `${os.hostname()}:${server.config.port}`,
    version: server.config.serverVersion,
    process: 'mongod',
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis: Long.fromNumber(uptimeMillis),
    uptimeEstimate: Long.fromNumber(Math.floor(uptimeMillis / 1000)),
    localTime: new Date(),
    connections: { current: server.connections.current, available: 838_860 - server.connections.current, totalCreated: server.connections.totalCreated, active: 1 },
    opcounters: Object.fromEntries(Object.entries(server.opcounters).map(([k, v]) => [k, Long.fromNumber(v)])),
    metrics: { ttl: { deletedDocuments: Long.fromNumber(server.ttlStats.deletedDocuments), passes: Long.fromNumber(server.ttlStats.passes) } },
    storageEngine: { name: 'mongo-wire-test-double', supportsCommittedReads: true, persistent: false },
    mem: { bits: 64, resident: Math.round(process.memoryUsage().rss / 2 ** 20), virtual: 0, supported: true },
  };
  if (server.isReplSet) {
    status.repl = { setName: server.config.replSetName, isWritablePrimary: true, secondary: false, hosts: [server.address], primary: server.address, me: server.address };
  }
  return status;
};

const getParameter: Handler = ({ server, body }) => {
  const [major, minor] = versionParts(server.config.serverVersion);
  const known: Document = {
    featureCompatibilityVersion: { version: `${major}.${minor}` },
    authenticationMechanisms: ['SCRAM-SHA-256'],
  };
  for (const name of ['minSnapshotHistoryWindowInSeconds', 'ttlMonitorEnabled', 'ttlMonitorSleepSecs']) known[name] = server.params.get(name);
  if (body.getParameter === '*') return known;
  const out: Document = {};
  for (const key of Object.keys(body)) {
    if (key === 'getParameter' || key.startsWith('$') || key === 'lsid' || key === 'comment') continue;
    if (!(key in known)) throw new CommandError('InvalidOptions', 'no option found to get');
    out[key] = known[key];
  }
  return out;
};

const hostInfo: Handler = () => ({
  system: { currentTime: new Date(), hostname: os.hostname(), cpuAddrSize: 64, memSizeMB: Math.round(os.totalmem() / 2 ** 20), numCores: os.cpus().length, cpuArch: os.arch() },
  os: { type: os.type(), name: os.platform(), version: os.release() },
  extra: {},
});

const replSetGetStatus: Handler = ({ server }) => {
  if (!server.isReplSet) throw new CommandError('NoReplicationEnabled', 'not running with --replSet');
  return {
    set: server.config.replSetName, date: new Date(), myState: 1,
    members: [{ _id: 0, name: server.address, health: 1, state: 1, stateStr: 'PRIMARY', self: true, uptime: Math.floor((Date.now() - server.startedAt.getTime()) / 1000) }],
  };
};

const connectionStatus: Handler = ({ server, conn, body }) => {
  const user = conn.user !== undefined && conn.userDb !== undefined ? server.scram?.find(conn.userDb, conn.user) : undefined;
  const authInfo: Document = {
    authenticatedUsers: user ? [{ user: user.username, db: user.db }] : [],
    authenticatedUserRoles: user ? user.roles.map((r) => ({ role: r.role, db: r.db })) : [],
  };
  if (body.showPrivileges === true) authInfo.authenticatedUserPrivileges = user ? mergedPrivileges(privilegesOf(user.roles)) : [];
  return { authInfo };
};

function payloadOf(ctx: CommandContext): Buffer {
  const p = ctx.body.payload as unknown;
  if (p instanceof Binary) return Buffer.from(p.buffer);
  if (typeof p === 'string') return Buffer.from(p, 'utf8');
  throw new CommandError('BadValue', 'SASL payload must be binary');
}

const authFailed = (): CommandError => new CommandError('AuthenticationFailed', 'Authentication failed.');

const saslStart: Handler = (ctx) => {
  const scram = ctx.server.scram;
  if (!scram) throw authFailed();
  const { conversation, reply } = scram.start(String(ctx.body.mechanism), payloadOf(ctx), ctx.db);
  conversation.skipEmptyExchange = docArg(ctx, 'options')?.skipEmptyExchange === true;
  ctx.conn.scram = conversation;
  return { conversationId: 1, done: false, payload: new Binary(Buffer.from(reply)) };
};

const saslContinue: Handler = (ctx) => {
  const { conn, server } = ctx;
  const conv = conn.scram;
  if (!conv || !server.scram) throw new CommandError('AuthenticationFailed', 'No SASL session state found');
  if (conv.done) {
    conn.scram = undefined;
    return { conversationId: 1, done: true, payload: new Binary(Buffer.alloc(0)) };
  }
  let serverFinal: string;
  try {
    serverFinal = server.scram.finish(conv, payloadOf(ctx));
  } catch (err) {
    conn.scram = undefined;
    throw err;
  }
  conn.authenticated = true;
  conn.user = conv.user;
  conn.userDb = conv.db;
  if (conv.skipEmptyExchange) conn.scram = undefined;
  return { conversationId: 1, done: conv.skipEmptyExchange === true, payload: new Binary(Buffer.from(serverFinal)) };
};

const ok: Handler = () => ({});

export const serverCommands: Record<string, Handler> = {
  hello, ismaster: hello, ping: ok, buildinfo: buildInfo, serverstatus: serverStatus, getparameter: getParameter,
  hostinfo: hostInfo, replsetgetstatus: replSetGetStatus, connectionstatus: connectionStatus,
  endsessions: ok, killsessions: ok, killallsessions: ok, refreshsessions: ok,
  saslstart: saslStart, saslcontinue: saslContinue,
};
