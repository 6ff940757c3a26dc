// Command dispatch of the TEST DOUBLE: decode, authorise, apply injected failures, run, and encode the
// reply (adding $clusterTime/operationTime when acting as a replica set primary).
import { Binary, BSON, Long, type Document } from 'bson';
import { type CommandContext, type ConnectionState, type Handler, RawReply, type ServerState } from '../context';
import { requirements, satisfies, unauthorized } from '../auth-roles';
import { CommandError, DropConnection } from '../errors';
import { buildDocument, elementsOf } from '../rawbson';
import { FIDELITY } from '../storage';
import { catalogCommands } from './catalog';
import { parameterCommands } from './parameters';
import { readCommands } from './read';
import { serverCommands } from './server';
import { userCommands } from './users';
import { writeCommands } from './write';
import { maintenanceCommands } from '../maintenance';

// Keys are lower case: mongod accepts both isMaster/ismaster and buildInfo/buildinfo.
const handlers: Record<string, Handler> = { ...serverCommands, ...catalogCommands, ...readCommands, ...writeCommands, ...userCommands, ...parameterCommands, ...maintenanceCommands };

/** Commands mongod answers before authentication. */
const PRE_AUTH = new Set(['hello', 'ismaster', 'ping', 'buildinfo', 'saslstart', 'saslcontinue', 'endsessions']);
/** With auth 'reject-all' only these work; everything else (saslStart included) is AuthenticationFailed. */
const REJECT_ALL_OPEN = new Set(['hello', 'ismaster', 'ping']);
/** Counted under their own opcounter by the handler; every other command counts as "command". */
const OWN_COUNTER = new Set(['find', 'getmore', 'insert', 'update', 'delete']);

export interface IncomingCommand {
  body: Buffer;
  sequences: Map<string, Buffer[]>;
  queryDb?: string;
}

export function isHandshake(name: string): boolean {
  return name === 'hello' || name === 'ismaster';
}

function authorise(server: ServerState, conn: ConnectionState, lower: string, name: string, db: string, body: Document): void {
  const auth = server.config.auth;
  if (auth === 'reject-all' && !REJECT_ALL_OPEN.has(lower)) throw new CommandError('AuthenticationFailed', 'Authentication failed.');
  if (auth && auth !== 'reject-all' && !conn.authenticated && !PRE_AUTH.has(lower)) {
    throw new CommandError('Unauthorized', `Command ${name} requires authentication`);
  }
  const privileges = server.privileges(conn);
  if (!privileges || PRE_AUTH.has(lower)) return;
  const needed = requirements(lower, db, body, body[name]);
  if (needed && !satisfies(privileges, needed)) throw unauthorized(db, body);
}

function clusterFields(server: ServerState): Document {
  const ts = server.clusterTime();
  return { $clusterTime: { clusterTime: ts, signature: { hash: new Binary(Buffer.alloc(20)), keyId: Long.fromNumber(0) } }, operationTime: ts };
}

function encodeReply(server: ServerState, reply: Document | RawReply): Buffer {
  const extra = server.isReplSet ? clusterFields(server) : {};
  if (reply instanceof RawReply) {
    if (!server.isReplSet) return reply.bytes;
    return buildDocument([reply.bytes.subarray(4, reply.bytes.length - 1), elementsOf(extra)]);
  }
  return Buffer.from(BSON.serialize({ ...reply, ok: reply.ok ?? 1, ...extra }, { ignoreUndefined: true }));
}

/** Runs one command; returns the encoded reply and the command name. Throws DropConnection for faults. */
export async function dispatch(server: ServerState, conn: ConnectionState, msg: IncomingCommand): Promise<{ reply: Buffer; name: string }> {
  let name = '';
  try {
    const body = BSON.deserialize(msg.body, FIDELITY);
    name = Object.keys(body)[0] ?? '';
    const lower = name.toLowerCase();
    const handler = handlers[lower];
    if (!handler) throw new CommandError('CommandNotFound', `no such command: '${name}'`);
    const db = typeof body.$db === 'string' ? body.$db : msg.queryDb ?? 'admin';
    authorise(server, conn, lower, name, db, body);
    if (body.startTransaction || body.autocommit === false) {
      throw new CommandError('IllegalOperation', 'Transactions are not supported by the MongoDB test double');
    }
    const failure = server.faults.takeFailure(name);
    if (failure) {
      throw new CommandError({ code: failure.code, codeName: failure.codeName ?? 'InjectedFailure' }, failure.errmsg ?? `Failing command ${name} via fault injection`,
        failure.errorLabels ? { errorLabels: failure.errorLabels } : {});
    }
    if (!OWN_COUNTER.has(lower)) server.opcounters.command += 1;
    const ctx: CommandContext = { server, conn, db, name, body, bodyBytes: msg.body, sequences: msg.sequences };
    return { reply: encodeReply(server, await handler(ctx)), name };
  } catch (err) {
    if (err instanceof DropConnection) throw err;
    const error = err instanceof CommandError ? err : new CommandError('InternalError', `test double failure in ${name}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    return { reply: encodeReply(server, error.toReply()), name };
  }
}
