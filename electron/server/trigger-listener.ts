// The desktop app's trigger-only listener: POST /api/trigger/<connection> on 127.0.0.1 at the port of
// the trigger settings, while at least one trigger token exists (no token, no open port). Nothing
// else is served there: no UI, no API, so the UI token is never needed or accepted on it. Browser
// mode (`pci-maint serve`) answers triggers on its own port instead.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Engine } from '../core/engine';
import { registerTriggerRoute } from './trigger-route';

export interface TriggerListener {
  /** Where it listens now, or null (no token, port in use, stopped). */
  readonly url: string | null;
  /** Follow the tokens and the port until stop(); resolves once the first start (or not) is done. */
  start(): Promise<void>;
  /** The current change applied (tests and shutdown wait for it). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

async function listen(engine: Engine, port: number): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, forceCloseConnections: true });
  const allowed = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  app.addHook('onRequest', async (req, reply) => {
    // The same DNS-rebinding guard as browser mode: only our own host names.
    if (!allowed.has(req.headers.host ?? '')) return reply.code(403).type('text/plain').send('Forbidden: wrong Host header.');
  });
  await registerTriggerRoute(app, engine);
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ ok: false, error: { code: 'NOT_FOUND', title: 'Not found', message: 'Only POST /api/trigger/<connection> is answered here.', hint: 'Check the address.' } }));
  await app.listen({ host: '127.0.0.1', port });
  return app;
}

export function triggerListener(engine: Engine): TriggerListener {
  const triggers = engine.automation.triggers;
  const log = engine.log.scope('trigger');
  let app: FastifyInstance | null = null;
  let port: number | null = null;
  let stopped = false;
  let queue: Promise<void> = Promise.resolve();
  let off: (() => void) | null = null;

  const close = async () => {
    if (!app) return;
    const url = `http://127.0.0.1:${port}`;
    await app.close();
    app = null;
    port = null;
    if (triggers.listeningAt === url) triggers.listeningAt = null;
  };

  /** Listen when wanted, on the wanted port; close otherwise. Runs one at a time. */
  const apply = () => {
    queue = queue.then(async () => {
      const wanted = !stopped && triggers.hasTokens() ? triggers.tokens.port() : null;
      if (wanted === port) return;
      await close();
      if (wanted === null) return;
      try {
        app = await listen(engine, wanted);
        port = wanted;
        triggers.listeningAt = `http://127.0.0.1:${wanted}`;
        log.info(`answering event triggers on http://127.0.0.1:${wanted}/api/trigger/…`);
      } catch (err) {
        const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        log.warn(inUse ? `the trigger port ${wanted} is used by another program; event triggers are not answered (choose another port)` : `could not answer event triggers on port ${wanted}: ${String(err)}`);
      }
    });
    return queue;
  };

  return {
    get url() {
      return port === null ? null : `http://127.0.0.1:${port}`;
    },
    start() {
      off ??= triggers.onChange(() => void apply());
      return apply();
    },
    settled: () => queue,
    async stop() {
      stopped = true;
      off?.();
      off = null;
      await apply();
      await close();
    },
  };
}
