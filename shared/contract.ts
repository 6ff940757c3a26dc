// The one API table (DESIGN §2): every method's name, input and output schema. The Electron IPC
// handlers, the preload bridge, the HTTP host and the renderer client are all derived from it.
// Each domain keeps its methods in shared/api/<domain>.ts; this file joins them.
import { z } from 'zod';
import { Job } from './jobs';
import { UserErrorData } from './errors';
import { coreMethods } from './api/core';
import { profileMethods } from './api/profiles';
import { healthMethods } from './api/health';
import { dialogMethods } from './api/dialogs';
import { backupMethods } from './api/backup';
import { verifyMethods } from './api/verify';
import { checkMethods } from './api/check';
import { exportMethods } from './api/export';
import { restoreMethods } from './api/restore';
import { checklistMethods } from './api/checklist';
import { bundleMethods } from './api/bundle';
import { scheduleMethods } from './api/schedule';
import { maintenanceMethods } from './api/maintenance';
import { drillMethods } from './api/drill';
import { planMethods } from './api/plan';
import { triggerMethods } from './api/trigger';
import { retentionMethods } from './api/retention';

export * from './api/core';
export * from './api/profiles';
export * from './api/health';
export * from './api/dialogs';
export * from './api/backup';
export * from './api/verify';
export * from './api/check';
export * from './api/export';
export * from './api/restore';
export * from './api/checklist';
export * from './api/bundle';
export * from './api/schedule';
export * from './api/maintenance';
export * from './api/plan';
export * from './api/trigger';
export * from './api/retention';

export const contract = {
  ...coreMethods,
  ...profileMethods,
  ...healthMethods,
  ...dialogMethods,
  ...backupMethods,
  ...verifyMethods,
  ...checkMethods,
  ...exportMethods,
  ...restoreMethods,
  ...checklistMethods,
  ...bundleMethods,
  ...scheduleMethods,
  ...maintenanceMethods,
  ...drillMethods,
  ...planMethods,
  ...triggerMethods,
  ...retentionMethods,
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;
export const METHOD_NAMES = Object.keys(contract) as MethodName[];

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(contract, value);
}

/** What every transport (IPC, HTTP) carries back: a result, or a UserError's data. */
export type Envelope<T> = { ok: true; result: T } | { ok: false; error: UserErrorData };

/** Events pushed from core to every window / browser tab. */
export const AppEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job.updated'), job: Job }),
  z.object({ type: z.literal('history.changed') }),
]);
export type AppEvent = z.infer<typeof AppEvent>;

/** The IPC channel names, derived from the method names. */
export const IPC_PREFIX = 'pci:';
export const IPC_EVENT_CHANNEL = 'pci:event';
export function ipcChannel(name: MethodName): string {
  return IPC_PREFIX + name;
}

type Namespace = MethodName extends `${infer NS}.${string}` ? NS : never;
type MethodsOf<NS extends string, Wrap extends 'envelope' | 'plain'> = {
  [M in MethodName as M extends `${NS}.${infer F}` ? F : never]: (
    input: MethodInput<M>,
  ) => Promise<Wrap extends 'envelope' ? Envelope<MethodOutput<M>> : MethodOutput<M>>;
};
type EventSubscription = { onEvent(listener: (event: AppEvent) => void): () => void };

/**
 * `window.pci` in the desktop app (and the same shape over HTTP in browser mode): one method per
 * contract entry, e.g. `pci.history.list({...})`, each resolving to an Envelope. Envelopes, not
 * thrown errors, cross the bridge because Electron drops an error's fields on the way.
 */
export type PciBridge = { [NS in Namespace]: MethodsOf<NS, 'envelope'> } & EventSubscription;

/** What renderer code uses: the same methods, resolving to results and throwing on errors. */
export type PciApi = { [NS in Namespace]: MethodsOf<NS, 'plain'> } & EventSubscription;

function buildNested<R>(call: (name: MethodName, input: unknown) => Promise<R>): Record<string, Record<string, (input?: unknown) => Promise<R>>> {
  const api: Record<string, Record<string, (input?: unknown) => Promise<R>>> = {};
  for (const name of METHOD_NAMES) {
    const [ns, fn] = name.split('.') as [string, string];
    api[ns] ??= {};
    api[ns][fn] = (input?: unknown) => call(name, input ?? {});
  }
  return api;
}

/** Build a bridge from one transport function; used by the preload script and the browser client. */
export function buildBridge(
  call: (name: MethodName, input: unknown) => Promise<Envelope<unknown>>,
  onEvent: EventSubscription['onEvent'],
): PciBridge {
  return Object.assign(buildNested(call), { onEvent }) as unknown as PciBridge;
}

/** Turn a bridge into the throwing API; `toError` makes the renderer's error object from UserError data. */
export function unwrapBridge(bridge: PciBridge, toError: (data: Envelope<never> & { ok: false }) => Error): PciApi {
  const raw = bridge as unknown as Record<string, Record<string, (input: unknown) => Promise<Envelope<unknown>>>>;
  const api = buildNested(async (name, input) => {
    const [ns, fn] = name.split('.') as [string, string];
    const envelope = await raw[ns][fn](input);
    if (envelope.ok) return envelope.result;
    throw toError(envelope);
  });
  return Object.assign(api, { onEvent: bridge.onEvent }) as unknown as PciApi;
}
