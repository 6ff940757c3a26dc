// The plan's network checks against real servers on 127.0.0.1: an HTTP health address that answers
// fast, one that answers after more than 2 s, one that is down; HTTPS servers with certificates made by
// openssl — trusted, expiring in 5 days, made out to another name, self-signed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appHealth } from '../../../electron/core/plan/checks/app-health';
import { tlsCertificate } from '../../../electron/core/plan/checks/tls-cert';
import { checkContext } from '../../support/plan';
import { tempDir } from '../../support/engine';

const dir = tempDir('pci-plan-tls-');
const servers: (http.Server | https.Server)[] = [];
let ca: string;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A key and a certificate for `name` valid `days`, signed by the test CA (or self-signed). */
function certificate(file: string, name: string, days: number, selfSigned = false): { key: string; cert: string } {
  fs.writeFileSync(path.join(dir, `${file}.ext`), `subjectAltName=DNS:${name}\n`);
  if (selfSigned) {
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${file}.key`, '-out', `${file}.crt`, '-days', String(days), '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`);
  } else {
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${file}.key`, '-out', `${file}.csr`, '-subj', `/CN=${name}`);
    openssl('x509', '-req', '-in', `${file}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${file}.crt`, '-days', String(days), '-extfile', `${file}.ext`);
  }
  return { key: fs.readFileSync(path.join(dir, `${file}.key`), 'utf8'), cert: fs.readFileSync(path.join(dir, `${file}.crt`), 'utf8') };
}

async function listen<S extends http.Server | https.Server>(server: S): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const https_ = (pair: { key: string; cert: string }) => listen(https.createServer(pair, (_req, res) => res.end('ok')));

let ports: Record<'fast' | 'slow' | 'failing' | 'good' | 'expiring' | 'wrongName' | 'selfSigned', number>;

beforeAll(async () => {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '365', '-subj', '/CN=PCI Test CA');
  ca = fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8');
  ports = {
    fast: await listen(http.createServer((_req, res) => res.end('{"status":"ok"}'))),
    slow: await listen(http.createServer((_req, res) => setTimeout(() => res.end('ok'), 2300))),
    failing: await listen(http.createServer((_req, res) => ((res.statusCode = 503), res.end('down')))),
    good: await https_(certificate('good', 'localhost', 90)),
    expiring: await https_(certificate('expiring', 'localhost', 5)),
    wrongName: await https_(certificate('wrong', 'files.example.org', 90)),
    selfSigned: await https_(certificate('self', 'localhost', 90, true)),
  };
});

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('app health check', () => {
  it('ok when the app answers fast; a warning above 2 s; critical when it answers with an error or not at all', async () => {
    const run = (url: string | null) => appHealth.run(checkContext({ targets: { healthUrl: url } }));
    const fast = await run(`http://127.0.0.1:${ports.fast}/health`);
    expect(fast.level).toBe('ok');
    expect(fast.measured.httpStatus).toBe(200);
    const slow = await run(`http://127.0.0.1:${ports.slow}/health`);
    expect(slow.level).toBe('warning');
    expect(slow.measured.responseMs as number).toBeGreaterThan(2000);
    expect(slow.summary).toMatch(/slowly/);
    const failing = await run(`http://127.0.0.1:${ports.failing}/health`);
    expect(failing.level).toBe('critical');
    expect(failing.summary).toContain('HTTP 503');
    const closed = http.createServer();
    const port = await listen(closed);
    await new Promise((r) => closed.close(r));
    expect((await run(`http://127.0.0.1:${port}/health`)).level).toBe('critical');
    const none = await run(null);
    expect(none.level).toBe('not-checked');
    expect(none.whatToDo).toMatch(/health address/);
  });
});

describe('certificate check', () => {
  const run = (port: number, now = Date.now()) => tlsCertificate.run(checkContext({ targets: { certificateUrl: `https://localhost:${port}/` }, options: { extraCa: [ca] }, now: () => now }));

  it('ok for a trusted certificate made out to the address, with the days left measured', async () => {
    const r = await run(ports.good);
    expect(r.level, r.summary).toBe('ok');
    expect(r.measured.chainValid).toBe(true);
    expect(r.measured.hostMatches).toBe(true);
    expect(r.measured.daysLeft as number).toBeGreaterThanOrEqual(88);
  });

  it('a warning at 30 days or less, critical at 7 or less, critical once expired (on the clock given)', async () => {
    expect((await run(ports.good, Date.now() + 70 * 86_400_000)).level).toBe('warning');
    const soon = await run(ports.expiring);
    expect(soon.level).toBe('critical');
    expect(soon.summary).toMatch(/expires in [45] days/);
    const expired = await run(ports.expiring, Date.now() + 10 * 86_400_000);
    expect(expired.level).toBe('critical');
    expect(expired.summary).toMatch(/expired/);
  });

  it('critical when the certificate is made out to another name', async () => {
    const r = await run(ports.wrongName);
    expect(r.level).toBe('critical');
    expect(r.measured.hostMatches).toBe(false);
    expect(r.summary).toContain('files.example.org');
  });

  it('a self-signed certificate is not trusted (a warning that says why); without the test authority the good one is not trusted either', async () => {
    const self = await run(ports.selfSigned);
    expect(self.level).toBe('warning');
    expect(self.measured.chainValid).toBe(false);
    expect(self.summary).toMatch(/self-signed/);
    const untrusted = await tlsCertificate.run(checkContext({ targets: { certificateUrl: `https://localhost:${ports.good}/` } }));
    expect(untrusted.level).toBe('critical');
    expect(untrusted.measured.chainValid).toBe(false);
  });

  it('not checked without an https address', async () => {
    expect((await tlsCertificate.run(checkContext())).level).toBe('not-checked');
  });
});
