// The dialogs port through the API: answered by the injected port (desktop), "not available" without.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import log from 'electron-log/node';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../electron/core/engine';
import { dispatch } from '../../../electron/core/handlers';
import { tempDir } from '../../support/engine';
import type { DialogsPort } from '../../../electron/core/dialogs';

const homes: string[] = [];
afterAll(() => homes.forEach((h) => fs.rmSync(h, { recursive: true, force: true })));

function engineWith(dialogs?: DialogsPort) {
  const home = tempDir();
  homes.push(home);
  return createEngine({ home, version: '0.0.0-test', mode: 'cli', logger: log.create({ logId: randomUUID() }), dialogs });
}

describe('dialogs.pickFolder', () => {
  it('uses the injected folder picker', async () => {
    const asked: unknown[] = [];
    const engine = engineWith({
      pickFolder: async (options) => {
        asked.push(options);
        return '/media/usb/pci';
      },
    });
    expect(await dispatch(engine, 'dialogs.pickFolder', { title: 'Choose the backup folder' })).toEqual({ ok: true, result: { available: true, path: '/media/usb/pci' } });
    expect(asked).toEqual([{ title: 'Choose the backup folder', defaultPath: undefined }]);
    await engine.close();
  });

  it('says "not available" without one (CLI, browser mode)', async () => {
    const engine = engineWith();
    expect(await dispatch(engine, 'dialogs.pickFolder', {})).toEqual({ ok: true, result: { available: false, path: null } });
    await engine.close();
  });
});
