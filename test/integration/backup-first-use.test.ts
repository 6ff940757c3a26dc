// A backup location's first use, as people meet it with the built CLI against the test servers
// (issue 21, items 7 and 9): a folder that does not exist yet is created by the first backup and
// listed as "none yet", a folder on a missing drive is refused with nothing created, `profile test`
// says the same as the backup; and a passphrase for an unencrypted location is never silently ignored.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSPHRASE_NOT_USED } from '../../electron/core/backup/profile-jobs';
import type { Destination } from '../../shared/profile';
import type { S3TestServer } from '../support/s3';
import { cliEnv, startTestServers, type TestServers } from '../support/servers';
import { savePciConnection, tempDir, testEngine } from '../support/engine';
import { runCli } from '../support/serve';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
let servers: TestServers;
let s3: S3TestServer;
let home: string;
let env: NodeJS.ProcessEnv;
const dirs: string[] = [];

const addProfile = (name: string, destination: Destination) =>
  savePciConnection({ home, env }, { name, database: 'pcifm', bucket: 'pci-files', s3, destination });

const run = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => runCli(home, { ...env, ...extraEnv }, args);

function destCheck(out: string): { status: string; message: string; code?: string } {
  return (JSON.parse(out) as { checks: { id: string; status: string; message: string; code?: string }[] }).checks.find((c) => c.id === 'dest.exists')!;
}

beforeAll(async () => {
  servers = await startTestServers({ bucket: 'pci-files', scale: 'small' });
  ({ s3 } = servers);
  home = tempDir('pci-first-use-home-');
  env = cliEnv(servers);
}, 120_000);

afterAll(async () => {
  await servers?.close();
  for (const d of [home, ...dirs]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe('a backup folder that does not exist yet', () => {
  it('is promised by profile test, listed as "none yet", and created by the first backup', async () => {
    const disk = tempDir('pci-first-use-disk-');
    dirs.push(disk);
    const folder = path.join(disk, 'pci', 'backups'); // two levels that do not exist
    await addProfile('New folder', { kind: 'folder', path: folder });

    const check = await run(['--json', 'profile', 'test', 'New folder']);
    expect(destCheck(check.out)).toMatchObject({ status: 'warn', message: `The folder ${folder} does not exist yet; the first backup will create it in ${disk}.` });
    const before = await run(['snapshots', '--profile', 'New folder']);
    expect(before.code, before.err).toBe(0);
    expect(before.out).toContain('none yet');
    expect(fs.existsSync(folder)).toBe(false); // looking creates nothing

    const backup = await run(['--json', 'backup', '--profile', 'New folder']);
    expect(backup.code, backup.err).toBe(0);
    expect(fs.existsSync(path.join(folder, 'config'))).toBe(true);
    const list = await run(['--json', 'snapshots', '--profile', 'New folder']);
    expect(JSON.parse(list.out).restorePoints).toMatchObject([{ id: JSON.parse(backup.out).snapshotId }]);
  });

  it('on a drive that is not there is refused by the backup and by profile test, in the same words, and nothing is created', async () => {
    // Nearest existing folder "/": where a drive would be mounted (repository/folder-root.ts).
    const top = `/pci-maint-missing-drive-${process.pid}`;
    const folder = path.join(top, 'backups');
    await addProfile('Missing drive', { kind: 'folder', path: folder });

    const backup = await run(['--json', 'backup', '--profile', 'Missing drive']);
    expect(backup.code).toBe(1);
    const error = JSON.parse(backup.out).error as { code: string; message: string; hint: string };
    expect(error).toMatchObject({ code: 'DEST_NOT_FOUND', title: 'Backup drive not found' });
    expect(error.message).toBe(`The backup folder ${folder} does not exist, and its drive does not seem to be connected (${top} is not there, and a folder at the top of the system disk is usually where a drive is mounted).`);
    expect(error.hint).toContain('Connect the backup drive');
    expect(fs.existsSync(top)).toBe(false);

    const check = await run(['--json', 'profile', 'test', 'Missing drive']);
    expect(check.code).toBe(1);
    expect(destCheck(check.out)).toMatchObject({ status: 'fail', code: 'DEST_NOT_FOUND', message: error.message });
    const list = await run(['snapshots', '--profile', 'Missing drive']);
    expect(list.code).toBe(1);
    expect(list.err).toContain('its drive does not seem to be connected');
    expect(fs.existsSync(top)).toBe(false);
  });
});

describe('a passphrase for a location that is not encrypted', () => {
  it('is not used, and the backup says so: CLI text, JSON, job log', async () => {
    const folder = tempDir('pci-first-use-plain-');
    dirs.push(folder);
    await addProfile('Plain', { kind: 'folder', path: folder });
    const first = await run(['backup', '--profile', 'Plain']);
    expect(first.code, first.err).toBe(0);
    expect(first.err).not.toContain('Warning');

    const text = await run(['backup', '--profile', 'Plain'], { PCI_BACKUP_PASSPHRASE: 'typed too late' });
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain('Backup finished');
    expect(text.err).toContain(`Warning: ${PASSPHRASE_NOT_USED}`);
    const json = await run(['--json', 'backup', '--profile', 'Plain'], { PCI_BACKUP_PASSPHRASE: 'typed too late' });
    expect(JSON.parse(json.out).warnings).toEqual([PASSPHRASE_NOT_USED]);

    const engine = testEngine({ home, env });
    try {
      const last = engine.history.list({ limit: 1, kind: 'backup' }).items[0];
      expect(engine.history.get(last.id).log.map((l) => `${l.level}: ${l.message}`)).toContain(`warn: ${PASSPHRASE_NOT_USED}`);
    } finally {
      await engine.dispose();
    }
  });
});
