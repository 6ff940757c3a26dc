// Test-only pause points. Crash tests must kill a backup at exact moments (mid-collection, mid-object,
// just before the restore point is saved) without guessing with sleeps. When PCI_MAINT_TEST_PAUSE_AT
// names a point ("mongo-mid-collection", or "r2-chunk-stored:3" for its third occurrence), the process
// prints a marker line to stderr when it gets there and then waits forever, to be killed.
// Unset (always, outside tests) this costs one environment lookup per backup.

export const TEST_PAUSE_ENV = 'PCI_MAINT_TEST_PAUSE_AT';
export const TEST_PAUSE_MARKER = 'PCI_MAINT_TEST_PAUSED';

export type BackupHook = (point: string) => Promise<void>;

export function hookFromEnv(env: NodeJS.ProcessEnv = process.env): BackupHook | undefined {
  const spec = env[TEST_PAUSE_ENV];
  if (!spec) return undefined;
  const [name, nth] = spec.split(':');
  const wanted = Math.max(1, Number(nth ?? 1) || 1);
  let seen = 0;
  return async (point) => {
    if (point !== name || ++seen !== wanted) return;
    process.stderr.write(`${TEST_PAUSE_MARKER} ${spec}\n`);
    await new Promise<never>(() => {
      setInterval(() => undefined, 1 << 30); // keeps the process alive until it is killed
    });
  };
}
