// The desktop app's trigger-only listener (plain Node: the main process only starts it): closed while
// no trigger token exists, on 127.0.0.1 at the saved port once one does, answering nothing but the
// trigger (not the UI, not the API), moving when the port changes, closed again when the last token
// is revoked, and a port used by another program said in the log instead of a crash.
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveProfile } from '../../electron/core/profiles/service';
import { triggerListener, type TriggerListener } from '../../electron/server/trigger-listener';
import { testEngine, tempDir, type TestEngine } from '../support/engine';
import { postLocal } from '../support/trigger';

let engine: TestEngine;
let listener: TriggerListener;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const request = (port: number, pathname: string, headers: Record<string, string> = {}, method = 'POST') => postLocal(port, pathname, { headers, method });

beforeEach(async () => {
  engine = testEngine();
  // Nothing reaches MongoDB here: the triggered backup waits (the gathering minute) and is cancelled at the end.
  await saveProfile(engine, { name: 'Office', sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', endpoint: 'http://127.0.0.1:9', bucket: 'pci-files', accessKeyId: 'AKIA' }], destination: { kind: 'folder', path: tempDir('pci-listener-backups-') } });
  listener = triggerListener(engine);
});
afterEach(async () => {
  await listener.stop();
  await engine.dispose();
});

describe('desktop trigger listener', () => {
  it('listens only while a token exists, answers only the trigger, follows the port', async () => {
    const port = await freePort();
    await engine.automation.triggers.setPort(port);
    await listener.start();
    expect(listener.url).toBeNull();
    expect(await request(port, '/api/trigger/Office')).toBe('refused');

    const made = await engine.automation.triggers.create('Office', 'Gallery app');
    await listener.settled();
    expect(listener.url).toBe(`http://127.0.0.1:${port}`);
    expect(engine.automation.triggers.list('Office').listeningAt).toBe(`http://127.0.0.1:${port}`);
    expect(made.hook).toBe(`curl -X POST -H "Authorization: Bearer ${made.token}" http://127.0.0.1:${port}/api/trigger/Office`);

    expect(await request(port, '/api/trigger/Office')).toMatchObject({ status: 401 });
    const ok = await request(port, '/api/trigger/Office', { authorization: `Bearer ${made.token}` });
    expect(ok).toMatchObject({ status: 202 });
    // Nothing else is served on it: no UI, no contract method, and the Host check holds.
    expect(await request(port, '/', {}, 'GET')).toMatchObject({ status: 404 });
    expect(await request(port, '/api/app.info', { authorization: `Bearer ${made.token}` })).toMatchObject({ status: 404 });
    expect(await request(port, '/api/trigger/Office', { authorization: `Bearer ${made.token}`, host: 'attacker.example' })).toMatchObject({ status: 403 });

    const moved = await freePort();
    await engine.automation.triggers.setPort(moved);
    await listener.settled();
    expect(listener.url).toBe(`http://127.0.0.1:${moved}`);
    expect(await request(port, '/api/trigger/Office')).toBe('refused');

    await engine.automation.triggers.revoke('Office', made.id);
    await listener.settled();
    expect(listener.url).toBeNull();
    expect(await request(moved, '/api/trigger/Office')).toBe('refused');
    expect(engine.automation.triggers.list('Office').listeningAt).toBeNull();
  });

  it('a port taken by another program is said in the log, and nothing breaks', async () => {
    const other = net.createServer();
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const port = (other.address() as net.AddressInfo).port;
    try {
      await engine.automation.triggers.setPort(port);
      await engine.automation.triggers.create('Office');
      await listener.start();
      expect(listener.url).toBeNull();
      expect(engine.automation.triggers.list('Office').listeningAt).toBeNull();
    } finally {
      await new Promise<void>((r) => other.close(() => r()));
    }
  });
});
