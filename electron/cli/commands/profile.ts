// `pci-maint profile set|list|show|remove|test`: connection profiles from the command line. Secrets
// never come from arguments (they would show in `ps` and shell history): only environment variables
// (PCI_MONGODB_URI, … or the names given with --mongo-uri-env / --r2-secret-env) or credentials.json.
import type { Command } from 'commander';
import { z } from 'zod';
import { userError } from '../../../shared/errors';
import { Profile, SECRET_NAMES, type ProfileInput, type SecretName } from '../../../shared/profile';
import type { CheckReport, ProfileView } from '../../../shared/api/profiles';
import { databaseFromUri } from '../../core/connections/mongo';
import { firstFailure } from '../../core/connections/checks';
import { secretContext } from '../../core/profiles/open';
import { resolveSecret } from '../../core/profiles/secrets';
import { saveProfile } from '../../core/profiles/service';
import type { Engine } from '../../core/engine';
import { EXIT_FAILED, type CliContext, type GlobalOptions } from '../context';
import { withEngine } from '../api';

interface SetOptions {
  mongoUriEnv?: string;
  database?: string;
  r2AccountId?: string;
  r2Endpoint?: string;
  r2PathStyle?: boolean;
  r2Bucket?: string;
  r2AccessKeyId?: string;
  r2SecretEnv?: string;
  folder?: string[];
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

/** `--destination /path` or `s3://bucket/prefix`. */
function parseDestination(value: string, o: SetOptions, r2: ProfileInput['r2']): ProfileInput['destination'] {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(value);
  if (!s3) return { kind: 'folder', path: value };
  return {
    kind: 's3',
    bucket: s3[1],
    prefix: s3[2].replace(/\/+$/, ''),
    endpoint: o.destEndpoint,
    // Same account as the files unless told otherwise: the usual off-site copy is a second R2 bucket.
    accountId: o.destEndpoint ? undefined : r2.accountId,
    ...(o.destEndpoint || r2.accountId ? {} : { endpoint: r2.endpoint }),
    accessKeyId: o.destAccessKeyId ?? r2.accessKeyId,
    forcePathStyle: Boolean(r2.forcePathStyle),
  };
}

async function buildProfile(engine: Engine, name: string, o: SetOptions, existing: Profile | undefined): Promise<ProfileInput> {
  if (o.r2AccountId && o.r2Endpoint) throw usage('Use either --r2-account-id or --r2-endpoint, not both.', 'Cloudflare R2: --r2-account-id; another S3-compatible store: --r2-endpoint.');
  const secretEnv: ProfileInput['secretEnv'] = { ...existing?.secretEnv };
  if (o.mongoUriEnv) secretEnv.mongoUri = o.mongoUriEnv;
  if (o.r2SecretEnv) secretEnv.r2SecretAccessKey = o.r2SecretEnv;
  if (o.destSecretEnv) secretEnv.destinationSecretAccessKey = o.destSecretEnv;
  if (o.passphraseEnv) secretEnv.backupPassphrase = o.passphraseEnv;
  const r2: ProfileInput['r2'] = {
    ...(existing?.r2 ?? {}),
    ...(o.r2AccountId ? { accountId: o.r2AccountId, endpoint: undefined } : {}),
    ...(o.r2Endpoint ? { endpoint: o.r2Endpoint, accountId: undefined } : {}),
    ...(o.r2PathStyle ? { forcePathStyle: true } : {}),
    bucket: o.r2Bucket ?? existing?.r2.bucket ?? '',
    accessKeyId: o.r2AccessKeyId ?? existing?.r2.accessKeyId ?? '',
  };
  if (!r2.bucket) throw usage('The R2 bucket is missing.', 'Add --r2-bucket NAME.');
  if (!r2.accessKeyId) throw usage('The R2 access key ID is missing.', 'Add --r2-access-key-id ID (the secret key goes in PCI_R2_SECRET_ACCESS_KEY).');
  if (!r2.accountId && !r2.endpoint) throw usage('The R2 address is missing.', 'Add --r2-account-id ID (Cloudflare) or --r2-endpoint URL.');
  let database = o.database ?? existing?.mongo.database;
  if (!database) {
    const uri = await resolveSecret(secretContext(engine), { name, secretEnv }, 'mongoUri');
    database = uri ? databaseFromUri(uri.value) : undefined;
  }
  if (!database) throw usage('The MongoDB database is not known.', 'Add --database NAME, or put the database in the connection string (…/NAME).');
  if (!o.destination && !existing) throw usage('The backup location is missing.', 'Add --destination /path/to/folder or --destination s3://bucket/prefix.');
  const records = o.recordsCollection || o.recordsKeyField;
  if (records && !(o.recordsCollection && o.recordsKeyField)) throw usage('--records-collection and --records-key-field go together.', 'Give both, e.g. --records-collection files --records-key-field storageKey.');
  const hours = o.backupMaxAgeHours === undefined ? undefined : Number(o.backupMaxAgeHours);
  if (hours !== undefined && !(hours > 0)) throw usage(`"${o.backupMaxAgeHours}" is not a number of hours.`, 'Use e.g. --backup-max-age-hours 26.');
  return {
    ...(existing ?? {}),
    name,
    mongo: { database },
    r2,
    folders: o.folder ?? existing?.folders ?? [],
    fileRecords: records
      ? { collection: o.recordsCollection!, keyField: o.recordsKeyField!, sizeField: o.recordsSizeField, deletedField: o.recordsDeletedField }
      : (existing?.fileRecords ?? null),
    destination: o.destination ? parseDestination(o.destination, o, r2) : existing!.destination,
    secretEnv,
    ...(hours !== undefined ? { backupMaxAgeHours: hours } : {}),
  };
}

function printView(ctx: CliContext, view: ProfileView): void {
  const p = view.profile;
  const dest = p.destination.kind === 'folder' ? p.destination.path : `s3://${p.destination.bucket}${p.destination.prefix ? `/${p.destination.prefix}` : ''}`;
  ctx.io.out(`${p.name}`);
  ctx.io.out(`  MongoDB          ${view.secrets.mongoUri.masked ?? '(connection string not set)'}  database ${p.mongo.database}`);
  ctx.io.out(`  R2               bucket ${p.r2.bucket} at ${p.r2.endpoint ?? `account ${p.r2.accountId}`}, key ${p.r2.accessKeyId}`);
  ctx.io.out(`  File records     ${p.fileRecords ? `${p.fileRecords.collection}.${p.fileRecords.keyField}` : '(not set)'}`);
  ctx.io.out(`  Backup location  ${dest}`);
  for (const name of SECRET_NAMES) {
    const s = view.secrets[name];
    const from = s.source === 'store' ? 'saved' : s.variable ? `from ${s.variable}` : '';
    ctx.io.out(`  ${name.padEnd(28)} ${s.set ? `set (${from})` : 'not set'}`);
  }
}

const MARK = { pass: '✓', warn: '!', fail: '✗' } as const;

export function printChecks(ctx: CliContext, report: CheckReport): void {
  for (const c of report.checks) {
    ctx.io.out(`${MARK[c.status]} ${c.label}: ${c.message}`);
    if (c.status !== 'pass' && c.hint) ctx.io.out(`    ${c.hint}`);
  }
}

export function registerProfile(program: Command, ctx: CliContext): void {
  const profile = program.command('profile').description('connection profiles: one per PCI File Manager installation');

  profile
    .command('set <name>')
    .description('create or change a profile (secrets come from environment variables, never from arguments)')
    .option('--mongo-uri-env <var>', 'environment variable with the MongoDB connection string (default PCI_MONGODB_URI)')
    .option('--database <db>', 'MongoDB database of PCI File Manager (default: the one in the connection string)')
    .option('--r2-account-id <id>', 'Cloudflare account id (R2 endpoint https://<id>.r2.cloudflarestorage.com)')
    .option('--r2-endpoint <url>', 'endpoint of another S3-compatible store')
    .option('--r2-path-style', 'use path-style addressing (some S3-compatible stores need it)')
    .option('--r2-bucket <bucket>', 'bucket with the files')
    .option('--r2-access-key-id <id>', 'access key id (the secret key: PCI_R2_SECRET_ACCESS_KEY)')
    .option('--r2-secret-env <var>', 'environment variable with the R2 secret access key')
    .option('--folder <path>', 'configuration folder to back up (repeatable)', collect)
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
      const parsedName = Profile.shape.name.safeParse(name);
      if (!parsedName.success) throw usage(`"${name}" cannot be a profile name.`, parsedName.error.issues[0]?.message ?? 'Use letters and digits.');
      await withEngine(ctx, globals, async (engine) => {
        const input = await buildProfile(engine, name, o, engine.profiles.find(name));
        const check = Profile.safeParse(input);
        if (!check.success) throw usage(`Some values are not valid: ${z.prettifyError(check.error).replace(/\n/g, ' ')}`, 'Check the options and try again.');
        const secrets: Partial<Record<SecretName, string>> = {};
        if (o.saveSecrets) {
          for (const s of SECRET_NAMES) {
            const found = await resolveSecret(secretContext(engine), check.data, s);
            if (found && found.source !== 'store') secrets[s] = found.value;
          }
        }
        const view = await saveProfile(engine, input, secrets);
        if (globals.json) return ctx.io.out(JSON.stringify(view));
        ctx.io.out(`Saved the connection "${view.profile.name}".`);
        printView(ctx, view);
        if (!view.secrets.mongoUri.set || !view.secrets.r2SecretAccessKey.set) {
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
        for (const v of views) ctx.io.out(`${v.profile.name.padEnd(24)} ${v.profile.mongo.database.padEnd(16)} ${v.profile.r2.bucket}`);
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
    .description('check MongoDB, R2 and the backup location; exit 1 when a check fails')
    .option('--timeout <seconds>', 'how long each network step may take', '8')
    .action(async (name: string, o: { timeout: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const seconds = Number(o.timeout);
      if (!(seconds > 0 && seconds <= 120)) throw usage(`"${o.timeout}" is not a number of seconds from 1 to 120.`, 'Use e.g. --timeout 8.');
      await withEngine(ctx, globals, async (_engine, api) => {
        const report = await api.profiles.test({ name, timeoutSeconds: seconds });
        const failure = firstFailure(report);
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
