// The desktop window's security settings and the IPC validation, tested without Electron.
import type { IpcMainInvokeEvent } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mainWindowOptions, isTrustedRendererUrl } from '../../../electron/main/window-options';
import { registerIpc, type IpcMainLike } from '../../../electron/main/ipc';
import { METHOD_NAMES, ipcChannel, type Envelope } from '../../../shared/contract';
import { testEngine, type TestEngine } from '../../support/engine';

describe('main window options', () => {
  const prefs = mainWindowOptions('/app/dist/electron/preload.cjs').webPreferences!;
  it('isolates the renderer from Node', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.preload).toBe('/app/dist/electron/preload.cjs');
  });

  it('trusts only our renderer file or the configured dev server', () => {
    const index = '/app/dist/renderer/index.html';
    expect(isTrustedRendererUrl('file:///app/dist/renderer/index.html', index)).toBe(true);
    expect(isTrustedRendererUrl('file:///app/dist/renderer/index.html#/history', index)).toBe(true);
    expect(isTrustedRendererUrl('file:///tmp/evil.html', index)).toBe(false);
    expect(isTrustedRendererUrl('https://example.com/', index)).toBe(false);
    expect(isTrustedRendererUrl('http://localhost:5173/', index)).toBe(false);
    expect(isTrustedRendererUrl('http://localhost:5173/#/x', index, 'http://localhost:5173')).toBe(true);
    expect(isTrustedRendererUrl(undefined, index)).toBe(false);
    expect(isTrustedRendererUrl('not a url', index)).toBe(false);
  });
});

/** Records what registerIpc installs, and lets a test invoke it as a given frame. */
class RecordingIpcMain implements IpcMainLike {
  handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>>();
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>) {
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  invoke(channel: string, frameUrl: string, input: unknown): Promise<Envelope<unknown>> {
    const event = { senderFrame: { url: frameUrl } } as unknown as IpcMainInvokeEvent;
    return this.handlers.get(channel)!(event, input) as Promise<Envelope<unknown>>;
  }
}

describe('IPC handlers', () => {
  let engine: TestEngine;
  let ipc: RecordingIpcMain;
  const good = 'file:///app/dist/renderer/index.html';
  beforeEach(() => {
    engine = testEngine();
    ipc = new RecordingIpcMain();
    registerIpc(ipc, engine, (url) => isTrustedRendererUrl(url, '/app/dist/renderer/index.html'));
  });
  afterEach(async () => {
    await engine.dispose();
  });

  it('registers exactly one channel per contract method', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(METHOD_NAMES.map(ipcChannel).sort());
  });

  it('answers a trusted frame with the real result', async () => {
    const res = await ipc.invoke(ipcChannel('app.info'), good, {});
    expect(res).toMatchObject({ ok: true, result: { dataFolder: engine.home, mode: 'cli' } });
  });

  it('refuses an untrusted frame before looking at the input', async () => {
    const res = await ipc.invoke(ipcChannel('history.list'), 'https://evil.example/', {});
    expect(res).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });

  it('rejects invalid input with INVALID_INPUT', async () => {
    for (const bad of [{ limit: 0 }, { limit: 'ten' }, { kind: 'launch-missiles' }, { unexpected: true }]) {
      const res = await ipc.invoke(ipcChannel('history.list'), good, bad);
      expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    const res = await ipc.invoke(ipcChannel('jobs.get'), good, { id: 42 });
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('turns a missing item into NOT_FOUND with a hint', async () => {
    const res = await ipc.invoke(ipcChannel('history.get'), good, { id: 'nope' });
    expect(res).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', hint: expect.any(String) } });
  });
});
