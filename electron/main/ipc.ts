// IPC handlers generated from the contract (STYLE 2, 4): check the sender frame, then zod-parse in dispatch.
import type { IpcMainInvokeEvent } from 'electron';
import { METHOD_NAMES, ipcChannel, type Envelope } from '../../shared/contract';
import { dispatch } from '../core/handlers';
import type { Engine } from '../core/engine';

/** The part of Electron's ipcMain this needs (so tests can pass their own). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export function registerIpc(ipcMain: IpcMainLike, engine: Engine, isTrusted: (url: string | undefined) => boolean): () => void {
  for (const name of METHOD_NAMES) {
    ipcMain.handle(ipcChannel(name), async (event, input): Promise<Envelope<unknown>> => {
      const url = event.senderFrame?.url;
      if (!isTrusted(url)) {
        engine.log.scope('ipc').warn(`refused ${name} from an untrusted frame`);
        return { ok: false, error: { code: 'UNAUTHORIZED', title: 'Refused', message: 'This window may not use the app.', hint: 'Use the main PCI Maintenance window.' } };
      }
      return dispatch(engine, name, input);
    });
  }
  return () => METHOD_NAMES.forEach((name) => ipcMain.removeHandler(ipcChannel(name)));
}
