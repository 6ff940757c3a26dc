// Test-only pause points. Crash tests must kill a backup at exact moments (mid-collection, mid-object,
// just before the restore point is saved) without guessing with sleeps. When PCI_MAINT_TEST_PAUSE_AT
// names a point ("mongo-mid-collection", or "r2-chunk-stored:3" for its third occurrence), the process
// prints a marker line to stderr when it gets there and then waits, to be killed, or until the job is
// cancelled (then it stops like any cancelled step). A packaged app never sets one (runtime-mode.ts).
export { TEST_PAUSE_ENV } from '../runtime-mode';

export const TEST_PAUSE_MARKER = 'PCI_MAINT_TEST_PAUSED';

export type BackupHook = (point: string) => Promise<void>;

/** The hook for a pause point (`name` or `name:N`), honouring the job's abort signal; none without a point. */
export function pauseHook(spec: string | null | undefined, signal?: AbortSignal): BackupHook | undefined {
  if (!spec) return undefined;
  const [name, nth] = spec.split(':');
  const wanted = Math.max(1, Number(nth ?? 1) || 1);
  let seen = 0;
  return async (point) => {
    if (point !== name || ++seen !== wanted) return;
    process.stderr.write(`${TEST_PAUSE_MARKER} ${spec}\n`);
    await new Promise<never>((_resolve, reject) => {
      const alive = setInterval(() => undefined, 1 << 30); // keeps the process alive until it is killed
      const stop = () => {
        clearInterval(alive);
        reject(signal!.reason);
      };
      if (signal?.aborted) stop();
      else signal?.addEventListener('abort', stop, { once: true });
    });
  };
}
