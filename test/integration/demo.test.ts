// `npm run demo` end to end: one JSON line that real clients can use, and a clean stop on SIGTERM.
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { MongoClient } from 'mongodb';
import { afterAll, expect, it } from 'vitest';
import { r2Client } from '../support/s3/client';

interface DemoInfo {
  mongoUri: string;
  database: string;
  r2: { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string };
  fileRecords: { collection: string; keyField: string; sizeField: string };
}

const root = path.resolve(import.meta.dirname, '../..');
let child: ChildProcessByStdio<null, Readable, Readable> | undefined;
let tmp: string | undefined;

afterAll(async () => {
  // On failure, stop tsx and the demo under it alike (they share the process group we gave them).
  if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

it('serves a seeded MongoDB and bucket, and stops cleanly on SIGTERM', async () => {
  // The demo's own temp folders go under this TMPDIR, so "removed on stop" can be checked exactly.
  tmp = await mkdtemp(path.join(os.tmpdir(), 'pci-demo-test-'));
  // `npx tsx …` minus npm: `npm exec` does not pass SIGTERM on (it dies and orphans the demo), so the
  // signal goes straight to tsx, which relays it to the demo and exits with the demo's code.
  child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['test/support/demo.ts', '--scale', 'small'], {
    cwd: root, env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  const proc = child;
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const first = new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout }).on('line', (line) => {
      lines.push(line);
      if (lines.length === 1) resolve(line);
    });
    void exited.then((code) => reject(new Error(`demo exited (${code}) before printing its JSON line:\n${stderr}`)));
  });

  const info = JSON.parse(await first) as DemoInfo;
  expect(Object.keys(info)).toEqual(['mongoUri', 'database', 'r2', 'fileRecords']);
  expect(info).toMatchObject({ database: 'pcifm', r2: { bucket: 'pcifm-files' }, fileRecords: { collection: 'files', keyField: 'storageKey', sizeField: 'size' } });

  const mongo = await new MongoClient(info.mongoUri).connect();
  try {
    expect(await mongo.db(info.database).collection('files').countDocuments()).toBe(150);
  } finally {
    await mongo.close();
  }
  const s3 = r2Client({ ...info.r2, region: 'auto' });
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: info.r2.bucket }));
  s3.destroy();
  expect(listed.KeyCount).toBeGreaterThan(100);

  if (existsSync('/usr/bin/rclone')) {
    const env: NodeJS.ProcessEnv = {
      ...process.env, RCLONE_CONFIG_DEMO_TYPE: 's3', RCLONE_CONFIG_DEMO_PROVIDER: 'Other', RCLONE_CONFIG_DEMO_ENDPOINT: info.r2.endpoint,
      RCLONE_CONFIG_DEMO_ACCESS_KEY_ID: info.r2.accessKeyId, RCLONE_CONFIG_DEMO_SECRET_ACCESS_KEY: info.r2.secretAccessKey,
      RCLONE_CONFIG_DEMO_FORCE_PATH_STYLE: 'true', RCLONE_CONFIG_DEMO_REGION: 'auto',
    };
    delete env.AWS_CA_BUNDLE; // rclone refuses to start with the machine's custom CA bundle variable
    const { stdout } = await promisify(execFile)('/usr/bin/rclone', ['lsf', '-R', '--files-only', `DEMO:${info.r2.bucket}`], { env, encoding: 'utf8' });
    expect(stdout.trim().split('\n')).toHaveLength(listed.KeyCount ?? -1);
  } else {
    console.warn('skipping the rclone part: /usr/bin/rclone is not installed');
  }

  proc.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(lines).toHaveLength(1);
  expect(stderr).toMatch(/demo is running[\s\S]*Ctrl-C/);
  // Only tsx's own compile cache may remain; the demo's folders are gone.
  expect((await readdir(tmp)).filter((name) => !name.startsWith('tsx-'))).toEqual([]);
});
