// SCRAM-SHA-256 (RFC 5802/7677) server side for the TEST DOUBLE, enough for the driver's default auth.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RoleRef } from './auth-roles';
import { CommandError } from './errors';

const ITERATIONS = 15000; // mongod's default scramSHA256IterationCount

export interface ScramUser {
  username: string;
  password: string;
  /** The database the user is defined in (its authSource); default 'admin'. */
  db?: string;
  /** Built-in roles; default root (the single user of `auth`). */
  roles?: RoleRef[];
}

interface KnownUser {
  user: ScramUser & { db: string; roles: RoleRef[] };
  creds: Credentials;
}

interface Credentials {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

export interface ScramConversation {
  user: string;
  /** The database saslStart ran on: users are looked up there, as mongod does. */
  db: string;
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
  creds: Credentials;
  /** Set once the proof checked out; the client may still send an empty final message. */
  done: boolean;
  /** The client asked to skip the empty final round trip (saslStart options.skipEmptyExchange). */
  skipEmptyExchange?: boolean;
}

const hmac = (key: Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

function derive(password: string, salt: Buffer): Credentials {
  // The driver SASLprep-normalises the password; for the ASCII/NFKC passwords tests use, NFKC matches.
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, ITERATIONS, 32, 'sha256');
  return { salt, storedKey: createHash('sha256').update(hmac(salted, 'Client Key')).digest(), serverKey: hmac(salted, 'Server Key') };
}

function parseAttributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

const failed = (): CommandError => new CommandError('AuthenticationFailed', 'Authentication failed.');

export class ScramServer {
  private readonly users = new Map<string, KnownUser>();
  // An unknown user still gets a full exchange (with made-up credentials) so names cannot be probed.
  private readonly decoy = derive(randomBytes(16).toString('hex'), randomBytes(16));

  constructor(users: ScramUser[]) {
    for (const u of users) this.add(u);
  }

  /** Adds (or replaces) a user; `roles` default to root. */
  add(u: ScramUser): void {
    const db = u.db ?? 'admin';
    this.users.set(`${db}.${u.username}`, { user: { ...u, db, roles: u.roles ?? [{ role: 'root', db: 'admin' }] }, creds: derive(u.password, randomBytes(16)) });
  }

  remove(db: string, name: string): boolean {
    return this.users.delete(`${db}.${name}`);
  }

  find(db: string, name: string): KnownUser['user'] | undefined {
    return this.users.get(`${db}.${name}`)?.user;
  }

  all(): KnownUser['user'][] {
    return [...this.users.values()].map((k) => k.user);
  }

  knows(db: string, name: string): boolean {
    return this.users.has(`${db}.${name}`);
  }

  /** saslStart on database `db`: parses the client-first message and answers with the server-first message. */
  start(mechanism: string, payload: Buffer, db = 'admin'): { conversation: ScramConversation; reply: string } {
    if (mechanism !== 'SCRAM-SHA-256') {
      throw new CommandError('MechanismUnavailable', `Received authentication for mechanism ${mechanism} which is not enabled`);
    }
    const text = payload.toString('utf8');
    const match = /^[ny],[^,]*,(.*)$/.exec(text);
    if (!match) throw new CommandError('BadValue', 'Invalid SCRAM client-first message');
    const clientFirstBare = match[1];
    const attrs = parseAttributes(clientFirstBare);
    const user = (attrs.get('n') ?? '').replace(/=2C/g, ',').replace(/=3D/g, '=');
    const clientNonce = attrs.get('r');
    if (!clientNonce) throw new CommandError('BadValue', 'Invalid SCRAM client-first message: no nonce');
    const creds = this.users.get(`${db}.${user}`)?.creds ?? this.decoy;
    const nonce = clientNonce + randomBytes(24).toString('base64');
    const serverFirst = `r=${nonce},s=${creds.salt.toString('base64')},i=${ITERATIONS}`;
    return { conversation: { user, db, clientFirstBare, serverFirst, nonce, creds, done: false }, reply: serverFirst };
  }

  /** saslContinue: checks the client proof; returns the server signature (`v=...`). */
  finish(conv: ScramConversation, payload: Buffer): string {
    const clientFinal = payload.toString('utf8');
    const attrs = parseAttributes(clientFinal);
    const proof = Buffer.from(attrs.get('p') ?? '', 'base64');
    if (attrs.get('r') !== conv.nonce || proof.length !== 32 || !this.knows(conv.db, conv.user)) throw failed();
    const withoutProof = clientFinal.slice(0, clientFinal.lastIndexOf(',p='));
    const authMessage = `${conv.clientFirstBare},${conv.serverFirst},${withoutProof}`;
    const signature = hmac(conv.creds.storedKey, authMessage);
    const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]));
    if (!timingSafeEqual(createHash('sha256').update(clientKey).digest(), conv.creds.storedKey)) throw failed();
    conv.done = true;
    return `v=${hmac(conv.creds.serverKey, authMessage).toString('base64')}`;
  }
}
