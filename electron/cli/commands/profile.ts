// `pci-maint profile set|list|show|remove|test`: connection profiles from the command line. Secrets
// never come from arguments (they would show in `ps` and shell history): only environment variables
// (PCI_MONGODB_URI, … or the names given with --mongo-uri-env / --r2-secret-env) or credentials.json.
import type { Command } from 'commander';
import { z } from 'zod';
import { userError } from '../../../shared/errors';
import {
  appLogSources,
  folderPaths,
  mongoSource,
  Preset,
  PRESETS,
  Profile,
  ProfileName,
  s3Source,
  SECRET_NAMES,
  sqliteSources,
  type ProfileInput,
  type Source,
  type SourceInput,
} from '../../../shared/profile';
import type { CheckReport, ProfileView } from '../../../shared/api/profiles';
import type { PciApi } from '../../../shared/contract';
import { EXIT_FAILED, type CliContext, type GlobalOptions } from '../context';
import { withEngine } from '../api';

interface SetOptions {
  preset?: string;
  mongoUriEnv?: string;
  database?: string;
  r2AccountId?: string;
  r2Endpoint?: string;
  r2PathStyle?: boolean;
  r2Bucket?: string;
  r2AccessKeyId?: string;
  r2SecretEnv?: string;
  folder?: string[];
  sqlite?: string[];
  appLog?: string[];
  appLogArchive?: string;
  recordsCollection?: string;
  recordsKeyField?: string;
  recordsSizeField?: string;
  recordsDeletedField?: string;
  destination?: string;
  destEndpoint?: string;
  destAccessKeyId?: string;
  destSecretEnv?: string;
  passphraseEnv?: string;
  backupMaxAgeHours?: string;
  saveSecrets?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function usage(message: string, hint: string): Error {
  return userError('INVALID_INPUT', 'Invalid command', message, hint);
}

type S3Input = Extract<SourceInput, { kind: 's3' }>;

/** `--destination /path` or `s3://bucket/prefix`. */
function parseDestination(value: string, o: SetOptions, r2: S3Input | undefined): ProfileInput['destination'] {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(value);
  if (!s3) return { kind: 'folder', path: value };
  const accessKeyId = o.destAccessKeyId ?? r2?.accessKeyId;
  if (!accessKeyId) throw usage('The access key of the backup bucket is missing.', 'Add --dest-access-key-id ID (the secret key goes in PCI_DEST_SECRET_ACCESS_KEY).');
  return {
    kind: 's3',
    bucket: s3[1],
    prefix: s3[2].replace(/\/+$/, ''),
    endpoint: o.destEndpoint,
    // Same account as the files unless told otherwise: the usual off-site copy is a second R2 bucket.
    accountId: o.destEndpoint ? undefined : r2?.accountId,
    ...(o.destEndpoint || r2?.accountId ? {} : { endpoint: r2?.endpoint }),
    accessKeyId,
    forcePathStyle: Boolean(r2?.forcePathStyle),
  };
}

const MONGO_OPTIONS = ['mongoUriEnv', 'database'] as const;
const R2_OPTIONS = ['r2AccountId', 'r2Endpoint', 'r2PathStyle', 'r2Bucket', 'r2AccessKeyId', 'r2SecretEnv'] as const;

/** The preset: the one asked for, else the saved one, else PCI File Manager when MongoDB or R2 options are given. */
function presetOf(o: SetOptions, existing: Profile | undefined): Preset {
  if (o.preset !== undefined) {
    const parsed = Preset.safeParse(o.preset);
    if (!parsed.success) throw usage(`"${o.preset}" is not a preset.`, `Use --preset ${PRESETS.join(', --preset ')}.`);
    return parsed.data;
  }
  if (existing) return existing.preset;
  return [...MONGO_OPTIONS, ...R2_OPTIONS].some((k) => o[k] !== undefined) ? 'pci' : 'custom';
}

async function mongoInput(api: PciApi, name: string, o: SetOptions, existing: Profile | undefined, secretEnv: ProfileInput['secretEnv']): Promise<SourceInput | undefined> {
  const saved = existing ? mongoSource(existing) : undefined;
  const database = o.database ?? saved?.database ?? (await api.profiles.secretsFound({ name, secretEnv: secretEnv ?? {} })).mongoDatabase ?? undefined;
  if (!database) throw usage('The MongoDB database is not known.', 'Add --database NAME, or put the database in the connection string (…/NAME).');
  return { kind: 'mongodb', database };
}

function s3Input(o: SetOptions, existing: Profile | undefined): S3Input {
  const saved = existing ? s3Source(existing) : undefined;
  const r2: S3Input = {
    ...(saved ?? {}),
    kind: 's3',
    ...(o.r2AccountId ? { accountId: o.r2AccountId, endpoint: undefined } : {}),
    ...(o.r2Endpoint ? { endpoint: o.r2Endpoint, accountId: undefined } : {}),
    ...(o.r2PathStyle ? { forcePathStyle: true } : {}),
    bucket: o.r2Bucket ?? saved?.bucket ?? '',
    accessKeyId: o.r2AccessKeyId ?? saved?.accessKeyId ?? '',
  };
  if (!r2.bucket) throw usage('The R2 bucket is missing.', 'Add --r2-bucket NAME.');
  if (!r2.accessKeyId) throw usage('The R2 access key ID is missing.', 'Add --r2-access-key-id ID (the secret key goes in PCI_R2_SECRET_ACCESS_KEY).');
  if (!r2.accountId && !r2.endpoint) throw usage('The R2 address is missing.', 'Add --r2-account-id ID (Cloudflare) or --r2-endpoint URL.');
  return r2;
}

/** The sources: each kind as given now, else as saved; MongoDB first, then the bucket, then the rest. */
async function sourcesInput(api: PciApi, name: string, o: SetOptions, existing: Profile | undefined, preset: Preset, secretEnv: ProfileInput['secretEnv']): Promise<SourceInput[]> {
  const wantsMongo = preset === 'pci' || MONGO_OPTIONS.some((k) => o[k] !== undefined) || Boolean(existing && mongoSource(existing));
  const wantsS3 = preset === 'pci' || R2_OPTIONS.some((k) => o[k] !== undefined) || Boolean(existing && s3Source(existing));
  const mongo = wantsMongo ? await mongoInput(api, name, o, existing, secretEnv) : undefined;
  const s3 = wantsS3 ? s3Input(o, existing) : undefined;
  const folders: SourceInput[] = (o.folder ?? (existing ? folderPaths(existing) : [])).map((p) => ({ kind: 'folder', path: p }));
  const savedSqlite = existing ? sqliteSources(existing) : [];
  // A database file given again keeps its table-export settings.
  const sqlite: SourceInput[] = o.sqlite ? o.sqlite.map((p) => savedSqlite.find((s) => s.path === p) ?? { kind: 'sqlite', path: p }) : savedSqlite;
  let logs: SourceInput[] = existing ? appLogSources(existing) : [];
  if (o.appLog || o.appLogArchive) {
    const saved = existing ? appLogSources(existing)[0] : undefined;
    const paths = o.appLog ?? saved?.paths ?? [];
    const archiveFolder = o.appLogArchive ?? saved?.archiveFolder;
    if (paths.length === 0) throw usage('--app-log-archive needs the log files to rotate.', 'Add --app-log PATH for each log file.');
    if (!archiveFolder) throw usage('The folder for old log files is missing.', 'Add --app-log-archive DIR: rotated logs are kept there (7 days by default).');
    logs = [{ ...(saved ?? {}), kind: 'app-logs', paths, archiveFolder }];
  }
  if (preset === 'sqlite' && sqlite.length === 0) throw usage('A SQLite app needs its database file.', 'Add --sqlite PATH (repeatable for several files).');
  const sources = [...(mongo ? [mongo] : []), ...(s3 ? [s3] : []), ...folders, ...sqlite, ...logs];
  if (sources.length === 0) throw usage('Nothing to back up.', 'Add --folder PATH, --sqlite PATH or --app-log PATH, or the MongoDB and R2 options (--preset pci).');
  return sources;
}

async function buildProfile(api: PciApi, name: string, o: SetOptions, existing: Profile | undefined): Promise<ProfileInput> {
  if (o.r2AccountId && o.r2Endpoint) throw usage('Use either --r2-account-id or --r2-endpoint, not both.', 'Cloudflare R2: --r2-account-id; another S3-compatible store: --r2-endpoint.');
  const secretEnv: ProfileInput['secretEnv'] = { ...existing?.secretEnv };
  if (o.mongoUriEnv) secretEnv.mongoUri = o.mongoUriEnv;
  if (o.r2SecretEnv) secretEnv.r2SecretAccessKey = o.r2SecretEnv;
  if (o.destSecretEnv) secretEnv.destinationSecretAccessKey = o.destSecretEnv;
  if (o.passphraseEnv) secretEnv.backupPassphrase = o.passphraseEnv;
  const preset = presetOf(o, existing);
  const sources = await sourcesInput(api, name, o, existing, preset, secretEnv);
  if (!o.destination && !existing) throw usage('The backup location is missing.', 'Add --destination /path/to/folder or --destination s3://bucket/prefix.');
  const records = o.recordsCollection || o.recordsKeyField;
  if (records && !(o.recordsCollection && o.recordsKeyField)) throw usage('--records-collection and --records-key-field go together.', 'Give both, e.g. --records-collection files --records-key-field storageKey.');
  const bucket = sources.find((s): s is S3Input => s.kind === 's3');
  const hasBoth = Boolean(bucket && sources.some((s) => s.kind === 'mongodb'));
  if (records && !hasBoth) throw usage('File records link a MongoDB database to a bucket.', 'Give the MongoDB and R2 options too, or leave out --records-collection.');
  const hours = o.backupMaxAgeHours === undefined ? undefined : Number(o.backupMaxAgeHours);
  if (hours !== undefined && !(hours > 0)) throw usage(`"${o.backupMaxAgeHours}" is not a number of hours.`, 'Use e.g. --backup-max-age-hours 26.');
  const { createdAt: _c, updatedAt: _u, ...kept } = existing ?? ({} as Partial<Profile>);
  return {
    ...kept,
    name,
    preset,
    sources,
    fileRecords: records
      ? { collection: o.recordsCollection!, keyField: o.recordsKeyField!, sizeField: o.recordsSizeField, deletedField: o.recordsDeletedField }
      : hasBoth
        ? (existing?.fileRecords ?? null)
        : null,
    destination: o.destination ? parseDestination(o.destination, o, bucket) : existing!.destination,
    secretEnv,
    ...(hours !== undefined ? { backupMaxAgeHours: hours } : {}),
  };
}

const PRESET_WORDS: Record<Preset, string> = { pci: 'PCI File Manager', sqlite: 'SQLite app', custom: 'custom' };

/** One line per source, in plain words. */
function sourceLine(s: Source, view: ProfileView): string {
  switch (s.kind) {
    case 'mongodb':
      return `MongoDB          ${view.secrets.mongoUri.masked ?? '(connection string not set)'}  database ${s.database}`;
    case 's3':
      return `R2               bucket ${s.bucket} at ${s.endpoint ?? `account ${s.accountId}`}, key ${s.accessKeyId}`;
    case 'folder':
      return `Folder           ${s.path}`;
    case 'sqlite':
      return `SQLite database  ${s.path}${s.exportTables.length > 0 ? ` (tables exported weekly: ${s.exportTables.join(', ')}; kept ${s.exportKeepWeeks} weeks)` : ''}`;
    case 'app-logs':
      return `App log files    ${s.paths.join(', ')} → ${s.archiveFolder} (kept ${s.keepDays} days)`;
  }
}

function printView(ctx: CliContext, view: ProfileView): void {
  const p = view.profile;
  const dest = p.destination.kind === 'folder' ? p.destination.path : `s3://${p.destination.bucket}${p.destination.prefix ? `/${p.destination.prefix}` : ''}`;
  ctx.io.out(`${p.name}`);
  ctx.io.out(`  Kind             ${PRESET_WORDS[p.preset]}`);
  for (const s of p.sources) ctx.io.out(`  ${sourceLine(s, view)}`);
  if (mongoSource(p) && s3Source(p)) ctx.io.out(`  File records     ${p.fileRecords ? `${p.fileRecords.collection}.${p.fileRecords.keyField}` : '(not set)'}`);
  ctx.io.out(`  Backup location  ${dest}`);
  for (const name of SECRET_NAMES) {
    if (name === 'mongoUri' && !mongoSource(p)) continue;
    if (name === 'r2SecretAccessKey' && !s3Source(p)) continue;
    if (name === 'destinationSecretAccessKey' && p.destination.kind !== 's3') continue;
    const s = view.secrets[name];
    const from = s.source === 'store' ? 'saved' : s.variable ? `from ${s.variable}` : '';
    ctx.io.out(`  ${name.padEnd(28)} ${s.set ? `set (${from})` : 'not set'}`);
  }
}

/** What a listing shows after the name: the database and the bucket, else the first sources. */
function listSummary(p: Profile): string {
  const m = mongoSource(p);
  const b = s3Source(p);
  if (m || b) return `${(m?.database ?? '').padEnd(16)} ${b?.bucket ?? ''}`;
  return p.sources.map((s) => (s.kind === 'app-logs' ? `logs ${s.paths[0]}` : 'path' in s ? `${s.kind} ${s.path}` : s.kind)).join(', ');
}

const MARK = { pass: '✓', warn: '!', fail: '✗' } as const;

export function printChecks(ctx: CliContext, report: CheckReport): void {
  for (const c of report.checks) {
    ctx.io.out(`${MARK[c.status]} ${c.label}: ${c.message}`);
    if (c.status !== 'pass' && c.hint) ctx.io.out(`    ${c.hint}`);
  }
}

export function registerProfile(program: Command, ctx: CliContext): void {
  const profile = program.command('profile').description('connection profiles: one per application (PCI File Manager, a SQLite app, …)');

  profile
    .command('set <name>')
    .description('create or change a profile (secrets come from environment variables, never from arguments)')
    .option('--preset <preset>', `what the application is: ${PRESETS.join(', ')} (default: pci with MongoDB/R2 options, else custom)`)
    .option('--mongo-uri-env <var>', 'environment variable with the MongoDB connection string (default PCI_MONGODB_URI)')
    .option('--database <db>', 'MongoDB database of PCI File Manager (default: the one in the connection string)')
    .option('--r2-account-id <id>', 'Cloudflare account id (R2 endpoint https://<id>.r2.cloudflarestorage.com)')
    .option('--r2-endpoint <url>', 'endpoint of another S3-compatible store')
    .option('--r2-path-style', 'use path-style addressing (some S3-compatible stores need it)')
    .option('--r2-bucket <bucket>', 'bucket with the files')
    .option('--r2-access-key-id <id>', 'access key id (the secret key: PCI_R2_SECRET_ACCESS_KEY)')
    .option('--r2-secret-env <var>', 'environment variable with the R2 secret access key')
    .option('--folder <path>', 'folder to back up (repeatable)', collect)
    .option('--sqlite <path>', 'SQLite database file to back up (repeatable)', collect)
    .option('--app-log <path>', "the application's log file to rotate nightly (repeatable)", collect)
    .option('--app-log-archive <dir>', 'folder for the rotated log files')
    .option('--records-collection <c>', 'collection of file records')
    .option('--records-key-field <f>', 'field with the object key')
    .option('--records-size-field <f>', 'field with the file size')
    .option('--records-deleted-field <f>', 'field that marks deleted records')
    .option('--destination <where>', 'backup location: a folder, or s3://bucket/prefix')
    .option('--dest-endpoint <url>', 'endpoint of the backup bucket (default: the R2 account)')
    .option('--dest-access-key-id <id>', 'access key id for the backup bucket (default: the R2 key)')
    .option('--dest-secret-env <var>', 'environment variable with the backup bucket secret key (default PCI_DEST_SECRET_ACCESS_KEY)')
    .option('--passphrase-env <var>', 'environment variable with the backup passphrase (default PCI_BACKUP_PASSPHRASE)')
    .option('--backup-max-age-hours <n>', 'warn when the last backup is older (default 26)')
    .option('--save-secrets', `also save the secrets found in the environment now to credentials.json (mode 0600)`)
    .action(async (name: string, o: SetOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const parsedName = ProfileName.safeParse(name);
      if (!parsedName.success) throw usage(`"${name}" cannot be a profile name.`, parsedName.error.issues[0]?.message ?? 'Use letters and digits.');
      await withEngine(ctx, globals, async (_engine, api) => {
        const existing = (await api.profiles.list({})).profiles.find((v) => v.profile.name === name)?.profile;
        const input = await buildProfile(api, name, o, existing);
        const check = Profile.safeParse(input);
        if (!check.success) throw usage(`Some values are not valid: ${z.prettifyError(check.error).replace(/\n/g, ' ')}`, 'Check the options and try again.');
        const { createdAt: _c, updatedAt: _u, ...profile } = check.data;
        const view = await api.profiles.save({ profile, secretsFromEnv: Boolean(o.saveSecrets) });
        if (globals.json) return ctx.io.out(JSON.stringify(view));
        ctx.io.out(`Saved the connection "${view.profile.name}".`);
        printView(ctx, view);
        const p = view.profile;
        if ((mongoSource(p) && !view.secrets.mongoUri.set) || (s3Source(p) && !view.secrets.r2SecretAccessKey.set)) {
          ctx.io.out('Set PCI_MONGODB_URI and PCI_R2_SECRET_ACCESS_KEY (or the variables named with --mongo-uri-env / --r2-secret-env) before running commands, or add --save-secrets.');
        }
      });
    });

  profile
    .command('list')
    .description('list profiles')
    .action(async (_o: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(ctx, globals, async (engine, api) => {
        const views = (await api.profiles.list({})).profiles;
        if (globals.json) return ctx.io.out(JSON.stringify({ profiles: views }));
        // Say where it looked: an empty list is often the wrong data folder (another user, another --home).
        if (views.length === 0) return ctx.io.out(`No connections yet in the data folder ${engine.paths.home}. Create one with "pci-maint profile set NAME …", or choose the data folder that has them with --home DIR (or PCI_MAINT_HOME).`);
        for (const v of views) ctx.io.out(`${v.profile.name.padEnd(24)} ${listSummary(v.profile)}`);
      });
    });

  profile
    .command('show <name>')
    .description('show a profile (secrets masked)')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(ctx, globals, async (_engine, api) => {
        const view = await api.profiles.get({ name });
        if (globals.json) ctx.io.out(JSON.stringify(view));
        else printView(ctx, view);
      });
    });

  profile
    .command('remove <name>')
    .description('forget a profile and its saved secrets (backups are not touched)')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(ctx, globals, async (_engine, api) => {
        await api.profiles.remove({ name });
        if (globals.json) ctx.io.out(JSON.stringify({ ok: true, removed: name }));
        else ctx.io.out(`Removed the connection "${name}".`);
      });
    });

  profile
    .command('test <name>')
    .description("check the connection's MongoDB and R2 (when it has them) and the backup location; exit 1 when a check fails")
    .option('--timeout <seconds>', 'how long each network step may take', '8')
    .action(async (name: string, o: { timeout: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const seconds = Number(o.timeout);
      if (!(seconds > 0 && seconds <= 120)) throw usage(`"${o.timeout}" is not a number of seconds from 1 to 120.`, 'Use e.g. --timeout 8.');
      await withEngine(ctx, globals, async (_engine, api) => {
        const report = await api.profiles.test({ name, timeoutSeconds: seconds });
        const failure = report.checks.find((c) => c.status === 'fail');
        if (failure) ctx.exitCode = EXIT_FAILED;
        if (globals.json) {
          const error = failure ? { code: failure.code ?? 'INTERNAL', title: failure.label, message: failure.message, hint: failure.hint } : undefined;
          return ctx.io.out(JSON.stringify({ ok: report.ok, checks: report.checks, ...(error ? { error } : {}) }));
        }
        printChecks(ctx, report);
        ctx.io.out(report.ok ? 'All checks passed.' : `A check failed (${failure?.code}).`);
      });
    });
}
