// Fault injection for the S3 gateway: errors, dropped connections, latency and a wrong server clock,
// so retry, resume and error-message paths of the app can be tested against a real HTTP server.
import type { S3Operation, S3Request } from './routes';

export interface FaultMatch {
  /** HTTP method, e.g. 'GET'. */
  method?: string;
  /** Exact object key, or a pattern tested against it. */
  key?: string | RegExp;
  op?: S3Operation | S3Operation[];
}

export interface FailNextOptions {
  /** 403 stands for a key without permission on the bucket (R2 tokens can be scoped per bucket). */
  status: 403 | 429 | 500 | 503;
  /** S3 error code; defaults to AccessDenied / TooManyRequests / InternalError / SlowDown. */
  code?: string;
  message?: string;
  match?: FaultMatch;
}

export interface ResetOptions {
  /** Body bytes that get through before the socket is destroyed. */
  afterBytes: number;
  /** How many requests are cut (default 1). */
  times?: number;
  match?: FaultMatch;
}

export interface DelayOptions {
  match?: FaultMatch;
  /** How many requests are delayed (default: every one until clear()). */
  times?: number;
}

export interface InjectedFailure { status: number; code: string; message: string }

/** A reset armed for one request; `claim()` is true once, when the reset really happens. */
export interface ResetPlan { afterBytes: number; claim(): boolean }

const DEFAULT_CODES: Record<number, string> = { 403: 'AccessDenied', 429: 'TooManyRequests', 500: 'InternalError', 503: 'SlowDown' };

function matches(m: FaultMatch | undefined, req: S3Request): boolean {
  if (!m) return true;
  if (m.method && m.method.toUpperCase() !== req.method) return false;
  if (m.op && !(Array.isArray(m.op) ? m.op : [m.op]).includes(req.op)) return false;
  if (m.key !== undefined) {
    if (req.key === undefined) return false;
    return typeof m.key === 'string' ? m.key === req.key : m.key.test(req.key);
  }
  return true;
}

interface Counted<T> { left: number; options: T }

export class S3Faults {
  private failures: Counted<FailNextOptions>[] = [];
  private resets: Counted<ResetOptions>[] = [];
  private delays: Counted<DelayOptions & { ms: number }>[] = [];
  private skewMs = 0;

  /** Answer the next `n` matching requests with an S3 XML error. */
  failNext(n: number, options: FailNextOptions): void {
    this.failures.push({ left: n, options });
  }

  /** Destroy the connection after `afterBytes` bytes of a response body (or of an upload body). */
  resetMidBody(options: ResetOptions): void {
    this.resets.push({ left: options.times ?? 1, options });
  }

  /** Hold matching requests for `ms` before handling them. */
  delay(ms: number, options: DelayOptions = {}): void {
    this.delays.push({ left: options.times ?? Infinity, options: { ...options, ms } });
  }

  /** Pretend the server clock is `seconds` ahead (negative: behind), as seen by signature checks. */
  clockSkew(seconds: number): void {
    this.skewMs = seconds * 1000;
  }

  clear(): void {
    this.failures = [];
    this.resets = [];
    this.delays = [];
    this.skewMs = 0;
  }

  now(): number {
    return Date.now() + this.skewMs;
  }

  takeFailure(req: S3Request): InjectedFailure | undefined {
    const f = this.failures.find((c) => c.left > 0 && matches(c.options.match, req));
    if (!f) return undefined;
    f.left -= 1;
    const { status, code, message } = f.options;
    return { status, code: code ?? DEFAULT_CODES[status] ?? 'InternalError', message: message ?? 'Injected fault (S3 test server).' };
  }

  delayFor(req: S3Request): number {
    const d = this.delays.find((c) => c.left > 0 && matches(c.options.match, req));
    if (!d) return 0;
    d.left -= 1;
    return d.options.ms;
  }

  resetFor(req: S3Request): ResetPlan | undefined {
    const r = this.resets.find((c) => c.left > 0 && matches(c.options.match, req));
    if (!r) return undefined;
    return {
      afterBytes: r.options.afterBytes,
      claim: () => {
        if (r.left <= 0) return false;
        r.left -= 1;
        return true;
      },
    };
  }
}
