// A quick "is anything there?" before the driver or SDK is asked: name lookup, then a TCP connect.
// It answers in well under a second where a driver would wait for its whole server-selection
// timeout, and tells apart "name not found", "nothing listens" and "no answer".
import dns from 'node:dns/promises';
import net from 'node:net';

export interface ProbeFailure {
  /** A Node error code (ENOTFOUND, ECONNREFUSED, ETIMEDOUT, …). */
  code: string;
  message: string;
}

export async function probeTcp(host: string, port: number, timeoutMs: number): Promise<ProbeFailure | null> {
  try {
    if (net.isIP(host) === 0) await withTimeout(dns.lookup(host), timeoutMs, `lookup ${host}`);
  } catch (err) {
    return failure(err);
  }
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result: ProbeFailure | null) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ code: 'ETIMEDOUT', message: `connect ETIMEDOUT ${host}:${port}` }));
    socket.once('connect', () => done(null));
    socket.once('error', (err) => done(failure(err)));
  });
}

/** SRV records of a mongodb+srv:// host (the driver needs them; a missing record is a DNS failure). */
export async function probeSrv(host: string, timeoutMs: number): Promise<ProbeFailure | null> {
  try {
    await withTimeout(dns.resolveSrv(`_mongodb._tcp.${host}`), timeoutMs, `querySrv ${host}`);
    return null;
  } catch (err) {
    return failure(err);
  }
}

function failure(err: unknown): ProbeFailure {
  const e = err as NodeJS.ErrnoException;
  return { code: e.code ?? 'ERROR', message: e.message ?? String(err) };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} ETIMEDOUT`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A probe failure as an Error carrying its code, so the error mappers read it like any other. */
export function probeError(f: ProbeFailure): Error {
  return Object.assign(new Error(f.message), { code: f.code });
}
