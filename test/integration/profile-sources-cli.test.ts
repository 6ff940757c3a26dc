// `pci-maint profile set` with sources: presets, one repeatable option per kind (--folder, --sqlite,
// --app-log with --app-log-archive), plain usage errors (exit 2) for what does not fit together, and
// `profile show` / `list` / `--json` listing the sources. A SQLite source this version cannot back up
// yet is named in the backup's result, never skipped quietly.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProfileView } from '../../shared/api/profiles';
import { tempDir } from '../support/engine';
import { runCli } from '../support/serve';

let home: string;
let work: string;
const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, PCI_BACKUP_PASSPHRASE: '' };
const run = (args: string[]) => runCli(home, env, args);
const at = (rel: string) => path.join(work, rel);

beforeAll(() => {
  work = tempDir('pci-profile-sources-');
  home = at('home');
  fs.mkdirSync(at('uploads'), { recursive: true });
  fs.writeFileSync(at('uploads/a.jpg'), 'jpg');
  fs.mkdirSync(at('pages'));
});

describe('profile set with sources', () => {
  it('sets up a SQLite app: the database file, content folders and log files', async () => {
    const set = await run(['--json', 'profile', 'set', 'Site', '--preset', 'sqlite', '--sqlite', at('site.db'), '--folder', at('uploads'), '--app-log', at('site.log'), '--app-log', at('error.log'), '--app-log-archive', at('log-archive'), '--destination', at('backups')]);
    expect(set.code, set.out + set.err).toBe(0);
    const view = JSON.parse(set.out) as ProfileView;
    expect(view.profile).toMatchObject({
      preset: 'sqlite',
      sources: [
        { kind: 'folder', path: at('uploads') },
        { kind: 'sqlite', path: at('site.db'), exportTables: [], exportKeepWeeks: 12 },
        { kind: 'app-logs', paths: [at('site.log'), at('error.log')], archiveFolder: at('log-archive'), keepDays: 7 },
      ],
    });

    const shown = await run(['profile', 'show', 'Site']);
    expect(shown.out).toContain('Kind             SQLite app');
    expect(shown.out).toContain(`SQLite database  ${at('site.db')}`);
    expect(shown.out).toContain(`App log files    ${at('site.log')}, ${at('error.log')} → ${at('log-archive')} (kept 7 days)`);
    expect(shown.out).not.toMatch(/MongoDB|mongoUri/);
    const asJson = JSON.parse((await run(['--json', 'profile', 'show', 'Site'])).out) as ProfileView;
    expect(asJson.profile.sources.map((s) => s.kind)).toEqual(['folder', 'sqlite', 'app-logs']);
    const list = await run(['profile', 'list']);
    expect(list.out).toContain(`folder ${at('uploads')}, sqlite ${at('site.db')}, logs ${at('site.log')}`);
  });

  it('changing one kind keeps the others as saved', async () => {
    const set = await run(['--json', 'profile', 'set', 'Site', '--folder', at('uploads'), '--folder', at('pages')]);
    expect(set.code, set.out + set.err).toBe(0);
    expect((JSON.parse(set.out) as ProfileView).profile.sources.map((s) => s.kind)).toEqual(['folder', 'folder', 'sqlite', 'app-logs']);
  });

  it('says plainly what is missing or does not fit, with exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['profile', 'set', 'A', '--preset', 'sqlite', '--folder', at('uploads'), '--destination', at('b')], /A SQLite app needs its database file/],
      [['profile', 'set', 'A', '--app-log', at('site.log'), '--destination', at('b')], /The folder for old log files is missing/],
      [['profile', 'set', 'A', '--preset', 'wordpress', '--folder', at('uploads'), '--destination', at('b')], /"wordpress" is not a preset/],
      [['profile', 'set', 'A', '--destination', at('b')], /Nothing to back up/],
      [['profile', 'set', 'A', '--folder', at('uploads'), '--records-collection', 'files', '--records-key-field', 'key', '--destination', at('b')], /File records link a MongoDB database to a bucket/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err + r.out).toMatch(message);
    }
    expect((await run(['--json', 'profile', 'list'])).out).not.toContain('"name":"A"');
  });

  it('a backup names the SQLite file it could not back up, and still keeps the folders', async () => {
    const made = await run(['--json', 'backup', '--profile', 'Site']);
    expect(made.code, made.out + made.err).toBe(0);
    const summary = JSON.parse(made.out) as { warnings: string[]; stats: { sources: Array<{ kind: string; name: string }> } };
    expect(summary.stats.sources.map((s) => s.name)).toEqual(['uploads', 'pages']);
    expect(summary.warnings).toEqual([`The SQLite database ${at('site.db')} is not in this backup: this version of PCI Maintenance cannot back up SQLite files yet.`]);
  });
});
