// "Test connection" for MongoDB: connection string → server reachable → signed in → database found
// → can read. Every failure is the real driver error mapped by mapMongoError.
import type { MongoClient } from 'mongodb';
import type { CheckReport, MongoFacts } from '../../../shared/api/profiles';
import { UserError, userError } from '../../../shared/errors';
import { CheckList, DEFAULT_CHECK_TIMEOUT_MS, plural, report, type CheckOptions } from './checks';
import { mapMongoError } from './errors';
import { createMongoClient, parseMongoUri, type ParsedMongoUri } from './mongo';
import { isTempCollection } from '../restore/cleanup';
import { bypassHint, grantHint, privilegeSentence, readPrivileges, serverStatusSentence } from './mongo-privileges';
import { probeError, probeSrv, probeTcp } from './net';

export interface MongoCheckInput {
  uri: string;
  /** The database to check; default: the one named in the connection string. */
  database?: string;
  /** The collection of file records, read by the "can read" check when set. */
  recordsCollection?: string;
}

const L = {
  uri: 'Connection string',
  reachable: 'MongoDB server reachable',
  auth: 'Signed in to MongoDB',
  database: 'Database found',
  read: 'Can read the database',
  privileges: 'What this user may do',
};

export async function checkMongo(input: MongoCheckInput, options: CheckOptions = {}): Promise<CheckReport> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const list = new CheckList();
  const facts: MongoFacts = {};
  const ctx = { uri: input.uri, database: input.database };

  const parsed = parseMongoUri(input.uri);
  let client: MongoClient;
  try {
    if (!parsed) throw mapMongoError(Object.assign(new Error('Invalid scheme, expected connection string to start with "mongodb://" or "mongodb+srv://"'), { name: 'MongoParseError' }), ctx);
    client = createMongoClient(input.uri, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  } catch (err) {
    list.fail('mongo.uri', L.uri, err);
    return report(list.checks, { mongo: facts });
  }
  list.pass('mongo.uri', L.uri, 'The connection string is valid.');

  try {
    // The quick probe first: it names the problem (no such name, nothing listening) in milliseconds.
    const first = parsed.hosts[0];
    const probe = parsed.scheme === 'mongodb+srv' ? await probeSrv(first.host, timeoutMs) : await probeAny(parsed.hosts, timeoutMs);
    if (probe) throw mapMongoError(probeError(probe), ctx);
    try {
      await client.connect();
    } catch (err) {
      const mapped = mapMongoError(err, ctx);
      // The server answered but refused the user: reachable, not signed in.
      if (mapped.code !== 'MONGO_AUTH_FAILED') throw mapped;
      list.pass('mongo.reachable', L.reachable, `MongoDB answers at ${hostsLabel(parsed.hosts)}.`);
      list.fail('mongo.auth', L.auth, authSourceExplained(mapped, parsed, input.uri));
      return report(list.checks, { mongo: facts });
    }
    const build = await client.db('admin').command({ buildInfo: 1 }).catch(() => null);
    if (build && typeof build.version === 'string') facts.version = build.version;
    list.pass('mongo.reachable', L.reachable, `MongoDB ${facts.version ?? ''} answers at ${hostsLabel(parsed.hosts)}.`.replace('  ', ' '));
    list.pass('mongo.auth', L.auth, parsed.username ? `Signed in as "${parsed.username}".` : 'Connected; the server did not ask for a user name.');

    const database = input.database || parsed.database;
    if (!checkDatabaseName(list, database, await listDatabases(client))) return report(list.checks, { mongo: facts });
    facts.database = database;
    const db = client.db(database);
    try {
      const stats = await db.command({ dbStats: 1 });
      facts.collections = Number(stats.collections ?? 0);
      facts.documents = Number(stats.objects ?? 0);
      facts.dataSize = Number(stats.dataSize ?? 0);
    } catch (err) {
      throw mapMongoError(err, { ...ctx, database });
    }
    list.pass('mongo.database', L.database, `Database "${database}": ${plural(facts.collections ?? 0, 'collection')}, ${plural(facts.documents ?? 0, 'document')}.`);

    try {
      const collections = (await db.listCollections({}, { nameOnly: true }).toArray()).filter((c) => c.type !== 'view' && !c.name.startsWith('system.') && !isTempCollection(c.name)).map((c) => c.name);
      const target = input.recordsCollection ?? collections[0];
      if (!target) {
        list.warn('mongo.read', L.read, `The database "${database}" is empty.`, 'Check that this is the database PCI File Manager uses (its configuration names it).');
      } else {
        await db.collection(target).findOne({});
        list.pass('mongo.read', L.read, `Read from the collection "${target}".`);
      }
    } catch (err) {
      list.fail('mongo.read', L.read, mapMongoError(err, { ...ctx, database }));
    }
    if (!list.failed) await checkPrivileges(list, client, database);
  } catch (err) {
    const mapped = mapMongoError(err, ctx);
    const step = list.checks.some((c) => c.id === 'mongo.auth') ? (list.checks.some((c) => c.id === 'mongo.database') ? 'mongo.read' : 'mongo.database') : 'mongo.reachable';
    list.fail(step, L[step.slice(6) as keyof typeof L], mapped);
  } finally {
    await client.close().catch(() => undefined);
  }
  return report(list.checks, { mongo: facts });

  function checkDatabaseName(l: CheckList, database: string | undefined, available: string[] | null): database is string {
    if (available) facts.databases = available;
    const known = available ? ` This server has: ${available.join(', ') || 'no databases'}.` : '';
    if (!database) {
      l.fail('mongo.database', L.database, userError('MONGO_DB_NOT_FOUND', 'No database named', 'The connection string does not say which database PCI File Manager uses.', `Add the database name after the server, e.g. mongodb://…@server:27017/pcifiles, or type it in the Database field.${known}`));
      return false;
    }
    if (available && !available.includes(database)) {
      l.fail('mongo.database', L.database, userError('MONGO_DB_NOT_FOUND', 'Database not found', `There is no database named "${database}" on this server.`, `Check the name (capital letters matter).${known}`));
      return false;
    }
    return true;
  }
}

/** Back up, restore, test-restore, pre-update checks: which of them this user may do, and the grant for the rest. */
async function checkPrivileges(list: CheckList, client: MongoClient, database: string): Promise<void> {
  try {
    const p = await readPrivileges(client.db(database));
    const hint = grantHint(p);
    if (hint) {
      list.warn('mongo.privileges', L.privileges, `${privilegeSentence(p)}${serverStatusSentence(p)}`, hint, 'MONGO_AUTH_FAILED');
      return;
    }
    const validation = p.enforced && !p.bypassValidation
      ? ` Documents that break a collection's validation rules cannot be put back by this user; a restore names them if there are any. ${bypassHint(p)}.`
      : '';
    list.pass('mongo.privileges', L.privileges, `${privilegeSentence(p)}${validation}${serverStatusSentence(p)}`);
  } catch (err) {
    list.warnFrom('mongo.privileges', L.privileges, mapMongoError(err, { database }), 'MongoDB did not say what this user may do; a restore will find out when it plans.');
  }
}

/**
 * Error 18 with a database in the connection string and no authSource: MongoDB looked for the user in
 * that database. Users an administrator creates usually live in "admin".
 */
function authSourceExplained(mapped: UserError, parsed: ParsedMongoUri, uri: string): UserError {
  if (!parsed.database || !parsed.username || /[?&]authSource=/i.test(uri) || !/not accept the user name or password/.test(mapped.message)) return mapped;
  const add = uri.includes('?') ? '&authSource=admin' : '?authSource=admin';
  return new UserError({
    ...mapped.toJSON(),
    message: `${mapped.message} It has no authSource option, so MongoDB looked for the user "${parsed.username}" in the database "${parsed.database}" (the name after the server), but users are usually created in the database "admin".`,
    hint: `Add ${add} to the end of the connection string and test again. If it still fails, check the user name and password.`,
  }, { cause: mapped });
}

async function probeAny(hosts: Array<{ host: string; port: number }>, timeoutMs: number) {
  let last = null;
  for (const h of hosts) {
    last = await probeTcp(h.host, h.port, timeoutMs);
    if (!last) return null;
  }
  return last;
}

/** Database names, or null when the user may not list them (then the database is just tried). */
async function listDatabases(client: MongoClient): Promise<string[] | null> {
  try {
    const out = await client.db('admin').admin().listDatabases({ nameOnly: true, authorizedDatabases: true });
    return out.databases.map((d) => d.name).filter((n) => !['admin', 'local', 'config'].includes(n));
  } catch {
    return null;
  }
}

function hostsLabel(hosts: Array<{ host: string; port: number }>): string {
  return hosts.map((h) => `${h.host}:${h.port}`).join(', ');
}
