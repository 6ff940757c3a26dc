// The preload bridge: exposes one object, `window.pci`, with one explicit method per contract entry
// (generated from the contract; each calls its own IPC channel). Sandboxed: bundled into one file.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { AppEvent, IPC_EVENT_CHANNEL, buildBridge, ipcChannel, type Envelope } from '../../shared/contract';

const bridge = buildBridge(
  async (name, input) => (await ipcRenderer.invoke(ipcChannel(name), input)) as Envelope<unknown>,
  (listener) => {
    const handler = (_event: IpcRendererEvent, payload: unknown) => {
      const parsed = AppEvent.safeParse(payload);
      if (parsed.success) listener(parsed.data);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => ipcRenderer.off(IPC_EVENT_CHANNEL, handler);
  },
);

contextBridge.exposeInMainWorld('pci', bridge);
