// The certificate of the app's public https address: days to expiry (warning at 30, critical at 7), a
// chain the system trusts, and a host name that matches — what a browser checks before it shows the app.
import tls from 'node:tls';
import net from 'node:net';
import { result, type PlanCheck } from '../types';

export const WARN_DAYS = 30;
export const CRITICAL_DAYS = 7;

interface Seen {
  cert: tls.PeerCertificate;
  authorized: boolean;
  authorizationError: string | null;
}

function fetchCertificate(host: string, port: number, options: { timeoutMs: number; extraCa?: string[]; signal: AbortSignal }): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      servername: net.isIP(host) ? undefined : host,
      // Look at the certificate whatever it is; whether it is trusted is what this check reports.
      rejectUnauthorized: false,
      ca: options.extraCa?.length ? [...tls.rootCertificates, ...options.extraCa] : undefined,
      // The identity is judged below against the address people use, not here.
      checkServerIdentity: () => undefined,
    });
    const done = (err: Error | null, seen?: Seen) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve(seen!);
    };
    const onAbort = () => done(options.signal.reason as Error);
    const timer = setTimeout(() => done(Object.assign(new Error(`no answer in ${Math.round(options.timeoutMs / 1000)} s`), { code: 'ETIMEDOUT' })), options.timeoutMs);
    options.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      const authErr = socket.authorizationError as unknown;
      done(null, { cert: socket.getPeerCertificate(true), authorized: socket.authorized, authorizationError: authErr ? String(authErr) : null });
    });
    socket.once('error', (err) => done(err));
  });
}

/** A certificate field as one string (a field given twice comes as a list). */
const field = (v: string | string[] | undefined): string | null => (v === undefined ? null : Array.isArray(v) ? v.join(', ') : v);

const SELF_SIGNED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN']);

function chainWords(code: string): string {
  if (SELF_SIGNED.has(code)) return 'it is self-signed: no certificate authority vouches for it';
  if (code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY') return 'the server does not send the certificates that link it to a trusted authority';
  if (code === 'CERT_HAS_EXPIRED') return 'it has expired';
  return `it is not trusted (${code})`;
}

export const tlsCertificate: PlanCheck = {
  id: 'tls-cert',
  title: 'Security certificate (https)',
  description: "Checks the certificate of the app's public https address: how many days until it expires, whether browsers trust it, and whether it is made out to that address.",
  frequency: 'weekly',
  route: null,
  async run(ctx) {
    const address = ctx.targets.certificateUrl;
    if (!address) {
      return result(this, ctx, 'not-checked', 'No https address is set for this connection, so there is no certificate to check.', {
        whatToDo: "Enter the app's public address (https://…) in the plan settings, or an https health address in the connection's settings.",
      });
    }
    const url = new URL(address);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port ? Number(url.port) : 443;
    let seen: Seen;
    try {
      seen = await fetchCertificate(host, port, { timeoutMs: ctx.options.timeoutMs ?? 10_000, extraCa: ctx.options.extraCa, signal: ctx.signal });
    } catch (err) {
      ctx.signal.throwIfAborted();
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ECONNREFUSED' ? 'nothing is listening there' : code === 'ENOTFOUND' ? 'the server name cannot be found' : (err as Error).message;
      return result(this, ctx, 'critical', `No secure connection could be made to ${url.host}: ${why}.`, {
        whatToDo: 'Check that the address is right and that the server is running, then run this check again.',
      });
    }
    const { cert } = seen;
    const expires = Date.parse(cert.valid_to);
    const daysLeft = Math.floor((expires - ctx.now()) / 86_400_000);
    const identity = tls.checkServerIdentity(host, cert);
    const chainValid = seen.authorized || seen.authorizationError === 'CERT_HAS_EXPIRED';
    const measured = {
      daysLeft,
      expiresAt: new Date(expires).toISOString(),
      subject: field(cert.subject?.CN),
      issuer: field(cert.issuer?.CN) ?? field(cert.issuer?.O),
      chainValid,
      hostMatches: identity === undefined,
    };
    const details = [`Made out to ${measured.subject ?? '(no name)'}${cert.subjectaltname ? ` (${cert.subjectaltname})` : ''}, by ${measured.issuer ?? '(unknown)'}.`, `Valid until ${measured.expiresAt.slice(0, 10)}.`];
    const renew = 'Renew the certificate (or ask whoever looks after the server or the domain to renew it) and install the new one.';
    if (daysLeft < 0) return result(this, ctx, 'critical', `The certificate of ${url.host} expired ${-daysLeft} day${daysLeft === -1 ? '' : 's'} ago: browsers refuse the app.`, { measured, details, whatToDo: renew });
    if (identity) {
      return result(this, ctx, 'critical', `The certificate of ${url.host} is made out to another name (${measured.subject ?? 'unknown'}): browsers warn people away from the app.`, {
        measured,
        details,
        whatToDo: `Install a certificate made out to ${host}, or correct the address in the plan settings if it is wrong.`,
      });
    }
    if (!seen.authorized && seen.authorizationError && seen.authorizationError !== 'CERT_HAS_EXPIRED') {
      const selfSigned = SELF_SIGNED.has(seen.authorizationError);
      return result(this, ctx, selfSigned ? 'warning' : 'critical', `The certificate of ${url.host} is not trusted: ${chainWords(seen.authorizationError)}.`, {
        measured,
        details,
        whatToDo: selfSigned
          ? 'Browsers warn everyone who opens the app. That can be acceptable inside an office network; for an address on the internet, install a certificate from an authority (Let’s Encrypt is free).'
          : 'Install the full certificate chain your certificate authority gave you (the "fullchain" file) on the server.',
      });
    }
    if (daysLeft <= CRITICAL_DAYS) return result(this, ctx, 'critical', `The certificate of ${url.host} expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'}.`, { measured, details, whatToDo: renew });
    if (daysLeft <= WARN_DAYS) return result(this, ctx, 'warning', `The certificate of ${url.host} expires in ${daysLeft} days.`, { measured, details, whatToDo: `${renew} Renewal set up automatically? Check that it ran.` });
    return result(this, ctx, 'ok', `The certificate of ${url.host} is trusted, matches the address and is valid for ${daysLeft} more days.`, { measured, details });
  },
};
