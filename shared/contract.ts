// The one API table (DESIGN §2): every method's name, input and output schema. The Electron IPC
// handlers, the preload bridge, the HTTP host and the renderer client are all derived from it.
import { z } from 'zod';
import { Job, JobKind, JobLogLine, JobStatus } from './jobs';
import { UserErrorData } from './errors';

interface MethodSpec<I extends z.ZodType, O extends z.ZodType> {
  input: I;
  output: O;
  /** One line for people reading the contract (and the CLI's help). */
  doc: string;
}

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, doc: string): MethodSpec<I, O> {
  return { input, output, doc };
}

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  dataFolder: z.string(),
  platform: z.string(),
  arch: z.string(),
  nodeVersion: z.string(),
  mode: z.enum(['desktop', 'browser', 'cli']),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const HistoryItem = z.object({
  id: z.string(),
  kind: JobKind,
  title: z.string(),
  status: JobStatus,
  profile: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  summary: z.unknown().nullable(),
  error: UserErrorData.nullable(),
});
export type HistoryItem = z.infer<typeof HistoryItem>;

export const HistoryDetail = HistoryItem.extend({
  log: z.array(JobLogLine),
  logDropped: z.number().int().nonnegative(),
});
export type HistoryDetail = z.infer<typeof HistoryDetail>;

export const HistoryQuery = z.object({
  limit: z.number().int().min(1).max(200).default(50),
  offset: z.number().int().min(0).default(0),
  kind: JobKind.optional(),
  status: JobStatus.optional(),
  profile: z.string().max(200).optional(),
});
export type HistoryQuery = z.input<typeof HistoryQuery>;

export const HistoryPage = z.object({ total: z.number().int(), items: z.array(HistoryItem) });
export type HistoryPage = z.infer<typeof HistoryPage>;

const Empty = z.object({}).strict();
const JobId = z.object({ id: z.string().min(1).max(100) }).strict();

export const contract = {
  'app.info': method(Empty, AppInfo, 'Version, data folder and platform of this installation.'),
  'jobs.list': method(Empty, z.array(Job), 'Jobs of this session, running and finished.'),
  'jobs.get': method(JobId, Job, 'One job with its progress.'),
  'jobs.cancel': method(JobId, Job, 'Ask a running job to stop; it ends as "canceled".'),
  'history.list': method(HistoryQuery.strict(), HistoryPage, 'Past operations, newest first, paged and filtered.'),
  'history.get': method(JobId, HistoryDetail, 'One past operation with its log.'),
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
