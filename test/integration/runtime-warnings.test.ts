// No runtime warning a user did not ask for (issue 13): the AWS SDK's "will require node >=22" notice
// printed on Node.js 20 by every command that makes an R2 client. The built CLI runs against real test
// servers with an environment that does not set the SDK's opt-out, and stderr must say nothing of it.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServers, type TestServers } from '../support/servers';
import { runCli } from '../support/serve';
import { tempDir } from '../support/engine';

let servers: TestServers;
const home = tempDir('pci-runtime-');
// The test process itself may have opted out; the CLI under test must not inherit that.
const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _optOut, NODE_NO_WARNINGS: _noWarnings, ...cleanEnv } = process.env;
let env: NodeJS.ProcessEnv;

/** What a runtime notice looks like on stderr: Node's "(node:1234) Warning:" lines, the SDK's text. */
const RUNTIME_NOTICE = /\(node:\d+\)|Warning:|DeprecationWarning|require node|You are running node/i;

beforeAll(async () => {
  servers = await startTestServers({ seeded: false });
  env = { ...cleanEnv, PCI_MONGODB_URI: servers.mongo.uri, PCI_R2_SECRET_ACCESS_KEY: servers.s3.secretAccessKey };
  const set = await runCli(home, env, ['profile', 'set', 'office', '--database', servers.database, '--r2-endpoint', servers.s3.endpoint,
    '--r2-bucket', servers.bucket, '--r2-access-key-id', servers.s3.accessKeyId, '--destination', path.join(home, 'backups')]);
  expect(set.code, set.err).toBe(0);
});
afterAll(async () => {
  await servers?.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('no runtime warnings on stderr', () => {
  it('pci-maint --help', async () => {
    const r = await runCli(home, env, ['--help']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
  });

  it.each([
    ['health', ['health', '--profile', 'office']],
    ['profile test', ['profile', 'test', 'office']],
    ['backup', ['backup', '--profile', 'office']],
  ])('pci-maint %s (makes an R2 client)', async (_name, args) => {
    const r = await runCli(home, env, args);
    expect(r.out.length).toBeGreaterThan(0);
    expect(r.err).not.toMatch(RUNTIME_NOTICE);
  });

  it('the check would see the notice: with the opt-out set to "false" the SDK prints it on Node.js 20', async () => {
    if (Number(process.versions.node.split('.')[0]) >= 22) return; // the SDK warns only below 22
    const r = await runCli(home, { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' }, ['health', '--profile', 'office']);
    expect(r.err).toMatch(RUNTIME_NOTICE);
  });
});
