// What development and test switches may do in this process, decided once from {isPackaged, env}.
// An installed (packaged) desktop app ignores both: a dev server URL would let any local page drive
// the app through the bridge, and the test pause point would freeze a real backup forever.
export const DEV_SERVER_ENV = 'PCI_DEV_SERVER_URL';
export const TEST_PAUSE_ENV = 'PCI_MAINT_TEST_PAUSE_AT';

export interface RuntimeFlags {
  /** Load the renderer from this dev server instead of the built files (development only). */
  devServerUrl: string | null;
  /** Pause a backup or restore at this named point (crash tests only; see backup/test-hooks.ts). */
  testPauseAt: string | null;
}

export function runtimeFlags({ isPackaged, env }: { isPackaged: boolean; env: NodeJS.ProcessEnv }): RuntimeFlags {
  if (isPackaged) return { devServerUrl: null, testPauseAt: null };
  return { devServerUrl: env[DEV_SERVER_ENV] || null, testPauseAt: env[TEST_PAUSE_ENV] || null };
}
