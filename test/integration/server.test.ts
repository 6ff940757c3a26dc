// Browser mode over real HTTP on 127.0.0.1: token, Host header, no CORS, the API and the event stream.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../electron/server/server';
import { testEngine, tempDir, type TestEngine } from '../support/engine';

let engine: TestEngine;
let server: RunningServer;
let renderer: string;

beforeAll(async () => {
  engine = testEngine();
  renderer = tempDir();
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>PCI Maintenance</title>');
  server = await startServer({ engine, port: 0, rendererDir: renderer });
});
afterAll(async () => {
  await server.close();
  await engine.dispose();
  fs.rmSync(renderer, { recursive: true, force: true });
});

function request(pathname: string, options: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: pathname, method: options.method ?? 'GET', headers: { host: `127.0.0.1:${server.port}`, ...options.headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    if (options.body !== undefined) {
      req.setHeader('content-type', 'application/json');
      req.end(JSON.stringify(options.body));
    } else req.end();
  });
}

describe('browser mode server', () => {
  it('binds to 127.0.0.1 and prints a tokened URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    expect(server.app.server.address()).toMatchObject({ address: '127.0.0.1' });
  });

  it('answers 401 to every request without the token', async () => {
    for (const p of ['/', '/index.html', '/api/events']) expect((await request(p)).status).toBe(401);
    expect((await request('/api/app.info', { method: 'POST', body: {} })).status).toBe(401);
    expect((await request('/api/app.info', { method: 'POST', body: {}, headers: { 'x-pci-token': 'wrong' } })).status).toBe(401);
  });

  it('refuses a wrong Host header even with the token (DNS rebinding)', async () => {
    const res = await request('/api/app.info', { method: 'POST', body: {}, headers: { host: 'attacker.example', 'x-pci-token': server.token } });
    expect(res.status).toBe(403);
  });

  it('moves the token from the URL into an HTTP-only cookie', async () => {
    const res = await request(`/?token=${server.token}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    expect(res.headers['set-cookie']?.[0]).toMatch(/pci_token=.*HttpOnly; SameSite=Strict/);
    const page = await request('/', { headers: { cookie: `pci_token=${encodeURIComponent(server.token)}` } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('PCI Maintenance');
  });

  it('serves the contract: results, validation errors, unknown methods', async () => {
    const headers = { 'x-pci-token': server.token };
    const info = await request('/api/app.info', { method: 'POST', body: {}, headers });
    expect(JSON.parse(info.body)).toMatchObject({ ok: true, result: { mode: 'cli', dataFolder: engine.home } });
    const bad = await request('/api/history.list', { method: 'POST', body: { limit: -1 }, headers });
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: 'Some of the values sent were not valid: limit.' } });
    expect((await request('/api/nope.nothing', { method: 'POST', body: {}, headers })).status).toBe(404);
  });

  it('sends no CORS headers and a strict CSP', async () => {
    const res = await request('/api/app.info', { method: 'POST', body: {}, headers: { 'x-pci-token': server.token, origin: 'https://evil.example' } });
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('streams job events to the browser', async () => {
    const received = new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: server.port, path: '/api/events', headers: { host: `127.0.0.1:${server.port}`, 'x-pci-token': server.token } }, (res) => {
        expect(res.headers['content-type']).toContain('text/event-stream');
        let buf = '';
        res.on('data', (d: Buffer) => {
          buf += d.toString();
          if (buf.includes('"succeeded"')) {
            req.destroy();
            resolve(buf);
          }
          // Start the job once the stream is open.
          if (buf.startsWith(': connected')) {
            buf = buf.replace(': connected', '');
            engine.jobs.start({ kind: 'maintenance', title: 'Event test', run: async () => ({ done: true }) });
          }
        });
      });
      req.on('error', reject);
    });
    const text = await received;
    expect(text).toContain('"type":"job.updated"');
    expect(text).toContain('Event test');
  });
});
