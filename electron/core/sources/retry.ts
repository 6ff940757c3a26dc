// Bounded retries with exponential backoff for the backup sources. Sources talk to servers over a
// network that drops connections and answers "slow down" now and then; a backup of hours should ride
// that out, but a server that keeps failing must end in a clear error, not an endless loop.
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** Attempts after the first one. */
  retries: number;
  /** First wait; doubles on every attempt (with jitter) up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 6, baseDelayMs: 250, maxDelayMs: 8000 };

/** Wait before retry number `attempt` (1-based); resolves early with the abort reason if canceled. */
export function backoff(policy: RetryPolicy, attempt: number, signal: AbortSignal): Promise<void> {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // "Full jitter" keeps many parallel downloads from retrying in lockstep against a throttled server.
  const ms = ceiling / 2 + Math.random() * (ceiling / 2);
  return pause(ms, signal);
}

/** Wait `ms`, or less when `signal` aborts: then it rejects with the reason it was cancelled for. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  // timers/promises rejects with an AbortError of its own; callers expect the cancel reason.
  return sleep(ms, undefined, { signal }).catch((err: unknown) => {
    throw signal.aborted ? signal.reason : err;
  });
}

/**
 * Run `fn` until it succeeds, a non-retryable error occurs, or the retries are spent. `onRetry`
 * hears about every failure that is retried (for the job log).
 */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  options: { policy: RetryPolicy; signal: AbortSignal; retryable: (err: unknown) => boolean; onRetry?: (err: unknown, attempt: number) => void },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    options.signal.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (err) {
      if (options.signal.aborted) throw options.signal.reason;
      if (attempt >= options.policy.retries || !options.retryable(err)) throw err;
      options.onRetry?.(err, attempt + 1);
      await backoff(options.policy, attempt + 1, options.signal);
    }
  }
}

/** Plain text of an error for a log line: name/code and message, never an object dump. */
export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return `${err.name}${typeof code === 'string' || typeof code === 'number' ? ` ${code}` : ''}: ${err.message}`;
  }
  return String(err);
}
