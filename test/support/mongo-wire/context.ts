// Shared types of the TEST DOUBLE: what a command handler receives and may answer.
import { Timestamp, type Document } from 'bson';
import type { CursorManager } from './cursors';
import type { FaultController } from './faults';
import { privilegesOf, type Privilege } from './auth-roles';
import { ServerParameters } from './history';
import type { ScramConversation, ScramServer, ScramUser } from './scram';
import type { Storage } from './storage';

/** A reply already encoded as BSON (cursor replies embed stored documents unchanged). */
export class RawReply {
  constructor(readonly bytes: Buffer) {}
}

export type Reply = Document | RawReply;

export interface ConnectionState {
  id: number;
  authenticated: boolean;
  user?: string;
  /** The database the signed-in user is defined in. */
  userDb?: string;
  scram?: ScramConversation;
}

export interface OpCounters {
  insert: number;
  query: number;
  update: number;
  delete: number;
  getmore: number;
  command: number;
}

export interface ServerConfig {
  host: string;
  port: number;
  replSetName?: string;
  serverVersion: string;
  /** 'reject-all', a SCRAM user, or undefined for no authentication. */
  auth?: 'reject-all' | ScramUser;
  /** false: users sign in, but roles are not enforced (mongod without --auth). */
  enforceRoles?: boolean;
}

export class ServerState {
  readonly startedAt = new Date();
  readonly opcounters: OpCounters = { insert: 0, query: 0, update: 0, delete: 0, getmore: 0, command: 0 };
  readonly connections = { current: 0, totalCreated: 0 };
  private clock = { t: Math.floor(Date.now() / 1000), i: 0 };
  /** getParameter/setParameter values the double acts on (history.ts, ttl.ts). */
  readonly params = new ServerParameters();
  /** serverStatus.metrics.ttl: passes of the TTL monitor and the documents it deleted (ttl.ts). */
  readonly ttlStats = { passes: 0, deletedDocuments: 0 };
  /** Present when the server was started with a SCRAM user. */
  scram?: ScramServer;

  constructor(
    readonly config: ServerConfig,
    readonly storage: Storage,
    readonly cursors: CursorManager,
    readonly faults: FaultController,
  ) {}

  /** The signed-in user's privileges; null when nothing is enforced (no auth, as mongod without --auth). */
  privileges(conn: ConnectionState): Privilege[] | null {
    if (!this.scram || typeof this.config.auth !== 'object' || this.config.enforceRoles === false) return null;
    const user = conn.user !== undefined && conn.userDb !== undefined ? this.scram.find(conn.userDb, conn.user) : undefined;
    return user ? privilegesOf(user.roles) : [];
  }

  get address(): string {
    return `${this.config.host}:${this.config.port}`;
  }

  get isReplSet(): boolean {
    return this.config.replSetName !== undefined;
  }

  /** Cluster time: advances on every write so snapshot reads get a fresh atClusterTime. */
  clusterTime(advance = false): Timestamp {
    const now = Math.floor(Date.now() / 1000);
    if (now > this.clock.t) this.clock = { t: now, i: 0 };
    if (advance || this.clock.i === 0) this.clock.i += 1;
    return new Timestamp({ t: this.clock.t, i: this.clock.i });
  }
}

export interface CommandContext {
  server: ServerState;
  conn: ConnectionState;
  /** `$db` of the command. */
  db: string;
  /** Command name as sent (first key of the body). */
  name: string;
  /** Body decoded with every BSON type kept (storage.FIDELITY). */
  body: Document;
  bodyBytes: Buffer;
  /** OP_MSG kind-1 document sequences by identifier (e.g. `documents`), as raw BSON. */
  sequences: Map<string, Buffer[]>;
  /** Cluster time of a snapshot read (set by readConcernExtra); reads see the data as of then. */
  readAt?: bigint;
}

export type Handler = (ctx: CommandContext) => Reply | Promise<Reply>;
