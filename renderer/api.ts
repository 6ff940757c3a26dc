// The renderer's client: `window.pci` in the desktop app, the same contract over HTTP in browser mode.
import { AppEvent, buildBridge, unwrapBridge, type Envelope, type PciApi, type PciBridge } from '../shared/contract';
import type { UserErrorData } from '../shared/errors';

declare global {
  interface Window {
    pci?: PciBridge;
  }
}

/** An error the UI can show: plain message, hint, code. */
export class ApiError extends Error {
  constructor(readonly data: UserErrorData) {
    super(data.message);
    this.name = 'ApiError';
  }
}

const NETWORK_ERROR: UserErrorData = {
  code: 'INTERNAL',
  title: 'Lost contact with PCI Maintenance',
  message: 'The page cannot reach the PCI Maintenance server.',
  hint: 'Check that "pci-maint serve" is still running, then reload this page.',
};

function httpBridge(): PciBridge {
  return buildBridge(
    async (name, input): Promise<Envelope<unknown>> => {
      try {
        const res = await fetch(`/api/${name}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input), credentials: 'same-origin' });
        if (res.status === 401) return { ok: false, error: { code: 'UNAUTHORIZED', title: 'Access expired', message: 'This page is no longer signed in to PCI Maintenance.', hint: 'Open the address printed by "pci-maint serve" again.' } };
        return (await res.json()) as Envelope<unknown>;
      } catch {
        return { ok: false, error: NETWORK_ERROR };
      }
    },
    (listener) => {
      const source = new EventSource('/api/events');
      source.onmessage = (message: MessageEvent<string>) => {
        const parsed = AppEvent.safeParse(JSON.parse(message.data));
        if (parsed.success) listener(parsed.data);
      };
      return () => source.close();
    },
  );
}

export const bridge: PciBridge = window.pci ?? httpBridge();
export const api: PciApi = unwrapBridge(bridge, (envelope) => new ApiError(envelope.error));

export function errorData(err: unknown): UserErrorData {
  if (err instanceof ApiError) return err.data;
  return { code: 'INTERNAL', title: 'Something went wrong', message: err instanceof Error ? err.message : String(err), hint: 'Try again. If it keeps happening, export a support bundle from the Support page.' };
}
