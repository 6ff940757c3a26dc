// Development and test switches in a packaged app (issue 13): one pure decision from {isPackaged, env}
// turns the dev server URL and the test pause point off; the pause itself gives way to a cancel.
import { describe, expect, it } from 'vitest';
import { DEV_SERVER_ENV, runtimeFlags, TEST_PAUSE_ENV, TEST_TRIGGER_SETTLE_ENV } from '../../../electron/core/runtime-mode';
import { pauseHook } from '../../../electron/core/backup/test-hooks';
import { testEngine } from '../../support/engine';

const env = { [DEV_SERVER_ENV]: 'http://127.0.0.1:5173', [TEST_PAUSE_ENV]: 'before-snapshot', [TEST_TRIGGER_SETTLE_ENV]: '500' };

describe('runtime flags', () => {
  it('a packaged app ignores the dev server URL, the test pause point and the trigger gathering time', () => {
    expect(runtimeFlags({ isPackaged: true, env })).toEqual({ devServerUrl: null, testPauseAt: null, triggerSettleMs: null });
  });

  it('in development both are honoured; empty means unset', () => {
    expect(runtimeFlags({ isPackaged: false, env })).toEqual({ devServerUrl: 'http://127.0.0.1:5173', testPauseAt: 'before-snapshot', triggerSettleMs: 500 });
    expect(runtimeFlags({ isPackaged: false, env: { [DEV_SERVER_ENV]: '', [TEST_PAUSE_ENV]: '', [TEST_TRIGGER_SETTLE_ENV]: 'soon' } })).toEqual({ devServerUrl: null, testPauseAt: null, triggerSettleMs: null });
  });

  it('the engine of a packaged app has no pause point even with the variable set', async () => {
    const packaged = testEngine({ env, packaged: true });
    const dev = testEngine({ env });
    try {
      expect(packaged.testPauseAt).toBeNull();
      expect(dev.testPauseAt).toBe('before-snapshot');
    } finally {
      await Promise.all([packaged.dispose(), dev.dispose()]);
    }
  });
});

describe('the test pause point', () => {
  it('passes other points and earlier occurrences, then waits until the job is cancelled', async () => {
    const controller = new AbortController();
    const hook = pauseHook('r2-chunk-stored:2', controller.signal)!;
    await hook('mongo-mid-collection');
    await hook('r2-chunk-stored'); // the first occurrence: not yet
    let settled = false;
    const paused = hook('r2-chunk-stored').finally(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    controller.abort(new Error('cancelled by the user'));
    await expect(paused).rejects.toThrow('cancelled by the user');
  });

  it('an already cancelled job does not wait at all; no point, no hook', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(pauseHook('before-snapshot', controller.signal)!('before-snapshot')).rejects.toThrow('gone');
    expect(pauseHook(null)).toBeUndefined();
  });
});
