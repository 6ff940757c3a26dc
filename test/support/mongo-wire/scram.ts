// SCRAM-SHA-256 (RFC 5802/7677) server side for the TEST DOUBLE, enough for the driver's default auth.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { CommandError } from './errors';

const ITERATIONS = 15000; // mongod's default scramSHA256IterationCount

export interface ScramUser {
  username: string;
  password: string;
}

interface Credentials {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

export interface ScramConversation {
  user: string;
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
  private readonly creds: Credentials;
  // An unknown user still gets a full exchange (with made-up credentials) so names cannot be probed.
  private readonly decoy = derive(randomBytes(16).toString('hex'), randomBytes(16));

  constructor(private readonly user: ScramUser) {
    this.creds = derive(user.password, randomBytes(16));
  }

  knows(name: string): boolean {
    return name === this.user.username;
  }

  /** saslStart: parses the client-first message and answers with the server-first message. */
  start(mechanism: string, payload: Buffer): { conversation: ScramConversation; reply: string } {
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
    const creds = this.knows(user) ? this.creds : this.decoy;
    const nonce = clientNonce + randomBytes(24).toString('base64');
    const serverFirst = `r=${nonce},s=${creds.salt.toString('base64')},i=${ITERATIONS}`;
    return { conversation: { user, clientFirstBare, serverFirst, nonce, creds, done: false }, reply: serverFirst };
  }

  /** saslContinue: checks the client proof; returns the server signature (`v=...`). */
  finish(conv: ScramConversation, payload: Buffer): string {
    const clientFinal = payload.toString('utf8');
    const attrs = parseAttributes(clientFinal);
    const proof = Buffer.from(attrs.get('p') ?? '', 'base64');
    if (attrs.get('r') !== conv.nonce || proof.length !== 32 || !this.knows(conv.user)) throw failed();
    const withoutProof = clientFinal.slice(0, clientFinal.lastIndexOf(',p='));
    const authMessage = `${conv.clientFirstBare},${conv.serverFirst},${withoutProof}`;
    const signature = hmac(conv.creds.storedKey, authMessage);
    const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]));
    if (!timingSafeEqual(createHash('sha256').update(clientKey).digest(), conv.creds.storedKey)) throw failed();
    conv.done = true;
    return `v=${hmac(conv.creds.serverKey, authMessage).toString('base64')}`;
  }
}
