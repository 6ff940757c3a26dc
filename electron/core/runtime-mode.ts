// What development and test switches may do in this process, decided once from {isPackaged, env}.
// An installed (packaged) desktop app ignores both: a dev server URL would let any local page drive
// the app through the bridge, and the test pause point would freeze a real backup forever.
export const DEV_SERVER_ENV = 'PCI_DEV_SERVER_URL';
export const TEST_PAUSE_ENV = 'PCI_MAINT_TEST_PAUSE_AT';
export const TEST_TRIGGER_SETTLE_ENV = 'PCI_MAINT_TEST_TRIGGER_SETTLE_MS';

export interface RuntimeFlags {
  /** Load the renderer from this dev server instead of the built files (development only). */
  devServerUrl: string | null;
  /** Pause a backup or restore at this named point (crash tests only; see backup/test-hooks.ts). */
  testPauseAt: string | null;
  /** How long an event trigger gathers more events, instead of a minute (tests of the built app only). */
  triggerSettleMs: number | null;
}

export function runtimeFlags({ isPackaged, env }: { isPackaged: boolean; env: NodeJS.ProcessEnv }): RuntimeFlags {
  if (isPackaged) return { devServerUrl: null, testPauseAt: null, triggerSettleMs: null };
  const settle = Number(env[TEST_TRIGGER_SETTLE_ENV]);
  return { devServerUrl: env[DEV_SERVER_ENV] || null, testPauseAt: env[TEST_PAUSE_ENV] || null, triggerSettleMs: env[TEST_TRIGGER_SETTLE_ENV] && Number.isInteger(settle) && settle >= 0 ? settle : null };
}
