// Browser mode (DESIGN §2, §7): the renderer and the same API over HTTP on 127.0.0.1, protected by
// a random token, a Host-header check and no CORS. The API is derived from the contract: one route
// per method, each going through `dispatch`.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { METHOD_NAMES, type AppEvent } from '../../shared/contract';
import { dispatch } from '../core/handlers';
import type { Engine } from '../core/engine';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';
import { toUserErrorData } from '../../shared/errors';
import { bundleZip } from '../core/bundle/bundle';
import { registerTriggerRoute, TRIGGER_PATH } from './trigger-route';

export const TOKEN_COOKIE = 'pci_token';
export const TOKEN_HEADER = 'x-pci-token';

export interface ServerOptions {
  engine: Engine;
  port?: number;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  token?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { engine } = options;
  const token = options.token ?? randomBytes(24).toString('base64url');
  engine.secrets.add(token);
  const log = engine.log.scope('server');
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, forceCloseConnections: true });
  const streams = new Set<ServerResponse>();
  let allowedHosts = new Set<string>();

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    // A page on another site can point a browser at 127.0.0.1 under its own name (DNS rebinding):
    // only our own host names are served.
    if (!allowedHosts.has(req.headers.host ?? '')) {
      return reply.code(403).type('text/plain').send('Forbidden: wrong Host header.');
    }
    const url = new URL(req.url, 'http://localhost');
    // An app's event trigger brings its own token (a trigger token), checked by its route.
    if (req.method === 'POST' && url.pathname.startsWith(TRIGGER_PATH)) return;
    const bearer = req.headers.authorization?.replace(/^Bearer\s+/i, '');
    const given = [req.headers[TOKEN_HEADER], bearer, readCookie(req.headers.cookie, TOKEN_COOKIE)].find((t): t is string => typeof t === 'string');
    if (given && sameSecret(given, token)) return;
    const queryToken = url.searchParams.get('token');
    if (queryToken && sameSecret(queryToken, token) && req.method === 'GET') {
      // The printed URL carries the token once; from then on it lives in a strict, HTTP-only cookie
      // and leaves the address bar (and the browser history).
      url.searchParams.delete('token');
      reply.header('Set-Cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
      return reply.redirect(url.pathname + url.search, 303);
    }
    return reply.code(401).type('text/plain').send('Unauthorized: open the address printed by "pci-maint serve" (it contains the access token).');
  });

  for (const name of METHOD_NAMES) {
    app.post(`/api/${name}`, async (req, reply) => {
      const envelope = await dispatch(engine, name, req.body ?? {});
      return reply.code(200).send(envelope);
    });
  }

  await registerTriggerRoute(app, engine);

  // The finished support bundle as a download (a zip is no JSON envelope); behind the same token check.
  app.get('/api/bundle/download', async (req, reply) => {
    const id = new URL(req.url, 'http://localhost').searchParams.get('id') ?? '';
    try {
      const { file, fileName } = await bundleZip(engine, id);
      reply.header('Content-Type', 'application/zip').header('Content-Disposition', `attachment; filename="${fileName}"`).header('Cache-Control', 'no-store');
      return reply.send(fs.createReadStream(file));
    } catch (err) {
      return reply.code(404).send({ ok: false, error: toUserErrorData(err) });
    }
  });

  app.get('/api/events', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'Content-Security-Policy': CONTENT_SECURITY_POLICY });
    res.write(': connected\n\n');
    const send = (event: AppEvent) => res.write(`data: ${JSON.stringify(event)}\n\n`);
    const off = engine.onEvent(send);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    streams.add(res);
    req.raw.on('close', () => {
      clearInterval(keepAlive);
      off();
      streams.delete(res);
    });
  });

  if (fs.existsSync(path.join(options.rendererDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: options.rendererDir, index: ['index.html'], wildcard: false });
    // Client-side routes all load the app shell.
    app.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && !req.url.startsWith('/api/')) return reply.type('text/html').sendFile('index.html');
      return reply.code(404).send({ ok: false, error: { code: 'NOT_FOUND', title: 'Not found', message: 'Nothing here.', hint: 'Check the address.' } });
    });
  } else {
    log.warn(`renderer not built at ${options.rendererDir}; only the API is served`);
    app.get('/', async (_req, reply) => reply.type('text/plain').send('The user interface is not built. Run "npm run build" first.'));
  }

  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  engine.automation.triggers.listeningAt = `http://127.0.0.1:${port}`;
  log.info(`browser mode listening on http://127.0.0.1:${port}/`);
  return {
    url,
    port,
    token,
    app,
    async close() {
      // Event streams never end by themselves: end them so closing does not wait for browsers.
      for (const res of streams) res.end();
      if (engine.automation.triggers.listeningAt === `http://127.0.0.1:${port}`) engine.automation.triggers.listeningAt = null;
      await app.close();
    },
  };
}
