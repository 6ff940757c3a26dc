// Users, built-in roles and per-command authorisation of the MongoDB wire-protocol TEST DOUBLE.
//
// Roles and actions follow the MongoDB manual: "Built-In Roles"
// (https://www.mongodb.com/docs/v7.0/reference/built-in-roles/) and "Privilege Actions"
// (https://www.mongodb.com/docs/manual/reference/privilege-actions/). Which action each command needs,
// and the error, follow the server (src/mongo/db/commands/*: `checkAuthForOperation`; the message is
// "not authorized on <db> to execute command { … }", code 13 Unauthorized). What is modelled: the nine
// roles below (plus userAdmin as part of dbOwner), resources per database / any database / cluster /
// any resource, system collections being outside the "all collections of a database" resource, and the
// options that add an action (bypassDocumentValidation, upsert, dropTarget). Not modelled: user-defined
// roles, authenticationRestrictions, per-collection grants, `local`/`config` exclusions of the
// *AnyDatabase roles.
import type { Document } from 'bson';
import { CommandError } from './errors';

/** A privilege's resource, as `connectionStatus {showPrivileges: true}` prints it. */
export type Resource = { db: string; collection: string } | { cluster: true } | { anyResource: true };

export interface Privilege {
  resource: Resource;
  actions: string[];
}

export interface RoleRef {
  role: string;
  db: string;
}

/** What a command touches: a namespace, a whole database (collection undefined) or the cluster. */
export type Target = { db: string; collection?: string } | { cluster: true };

export interface Requirement {
  target: Target;
  actions: string[];
}

const READ = ['changeStream', 'collStats', 'dbHash', 'dbStats', 'find', 'killCursors', 'listCollections', 'listIndexes', 'listSearchIndexes'];
const WRITE = ['convertToCapped', 'createCollection', 'createIndex', 'createSearchIndexes', 'dropCollection', 'dropIndex', 'dropSearchIndex', 'insert', 'remove', 'renameCollectionSameDB', 'update', 'updateSearchIndex'];
const DB_ADMIN = ['bypassDocumentValidation', 'collMod', 'collStats', 'compact', 'convertToCapped', 'createCollection', 'createIndex', 'dbStats', 'dropCollection', 'dropDatabase', 'dropIndex', 'enableProfiler', 'listCollections', 'listIndexes', 'planCacheIndexFilter', 'planCacheRead', 'planCacheWrite', 'reIndex', 'renameCollectionSameDB', 'storageDetails', 'validate'];
const DB_ADMIN_PROFILE = ['changeStream', 'collStats', 'convertToCapped', 'createCollection', 'dbHash', 'dbStats', 'dropCollection', 'find', 'killCursors', 'listCollections', 'listIndexes', 'planCacheRead'];
const USER_ADMIN = ['changeCustomData', 'changePassword', 'createRole', 'createUser', 'dropRole', 'dropUser', 'grantRole', 'revokeRole', 'setAuthenticationRestriction', 'viewRole', 'viewUser'];
const RESTORE = ['bypassDocumentValidation', 'changeCustomData', 'changePassword', 'collMod', 'convertToCapped', 'createCollection', 'createIndex', 'createRole', 'createUser', 'dropCollection', 'dropRole', 'dropUser', 'grantRole', 'insert', 'listCollections', 'revokeRole', 'viewRole', 'viewUser'];
const CLUSTER_MONITOR = ['connPoolStats', 'getCmdLineOpts', 'getDefaultRWConcern', 'getLog', 'getParameter', 'hostInfo', 'inprog', 'listDatabases', 'listSessions', 'netstat', 'replSetGetConfig', 'replSetGetStatus', 'serverStatus', 'top'];
/** Every action a command of this double can need (root's privileges list these on any resource). */
const ALL = [...new Set([...READ, ...WRITE, ...DB_ADMIN, ...USER_ADMIN, ...CLUSTER_MONITOR, 'appendOplogNote', 'killAnyCursor', 'killAnySession'])].sort();

const coll = (db: string, collection = ''): Resource => ({ db, collection });
const sorted = (actions: string[]): string[] => [...new Set(actions)].sort();

/** Roles every database has; the others exist only in `admin`. */
const DATABASE_ROLES: Record<string, (db: string) => Privilege[]> = {
  read: (db) => [{ resource: coll(db), actions: sorted(READ) }, { resource: coll(db, 'system.js'), actions: sorted(READ) }],
  readWrite: (db) => [{ resource: coll(db), actions: sorted([...READ, ...WRITE]) }, { resource: coll(db, 'system.js'), actions: sorted([...READ, ...WRITE]) }],
  dbAdmin: (db) => [{ resource: coll(db), actions: sorted(DB_ADMIN) }, { resource: coll(db, 'system.profile'), actions: sorted(DB_ADMIN_PROFILE) }],
  userAdmin: (db) => [{ resource: coll(db), actions: sorted(USER_ADMIN) }],
  dbOwner: (db) => [
    { resource: coll(db), actions: sorted([...READ, ...WRITE, ...DB_ADMIN, ...USER_ADMIN]) },
    { resource: coll(db, 'system.js'), actions: sorted([...READ, ...WRITE]) },
    { resource: coll(db, 'system.profile'), actions: sorted(DB_ADMIN_PROFILE) },
  ],
};

const ADMIN_ROLES: Record<string, () => Privilege[]> = {
  backup: () => [
    { resource: { cluster: true }, actions: ['appendOplogNote', 'getParameter', 'listDatabases', 'serverStatus'] },
    { resource: { anyResource: true }, actions: ['listCollections', 'listIndexes'] },
    { resource: coll(''), actions: ['find'] },
  ],
  restore: () => [{ resource: coll(''), actions: sorted(RESTORE) }],
  clusterMonitor: () => [
    { resource: { cluster: true }, actions: sorted(CLUSTER_MONITOR) },
    { resource: coll(''), actions: ['collStats', 'dbStats', 'indexStats', 'useUUID'] },
    { resource: coll('', 'system.profile'), actions: ['find'] },
  ],
  readAnyDatabase: () => [{ resource: { cluster: true }, actions: ['listDatabases'] }, { resource: coll(''), actions: sorted(READ) }],
  root: () => [{ resource: { anyResource: true }, actions: ALL }],
};

export function isBuiltinRole(ref: RoleRef): boolean {
  return ref.role in DATABASE_ROLES || (ref.db === 'admin' && ref.role in ADMIN_ROLES);
}

export function privilegesOf(roles: RoleRef[]): Privilege[] {
  const out: Privilege[] = [];
  for (const r of roles) {
    if (r.role in DATABASE_ROLES) out.push(...DATABASE_ROLES[r.role](r.db));
    else if (r.db === 'admin' && r.role in ADMIN_ROLES) out.push(...ADMIN_ROLES[r.role]());
  }
  return out;
}

const isSystem = (name: string): boolean => name.startsWith('system.');

function covers(resource: Resource, target: Target): boolean {
  if ('anyResource' in resource) return true;
  if ('cluster' in resource) return 'cluster' in target;
  if ('cluster' in target) return false;
  if (resource.db !== '' && resource.db !== target.db) return false;
  // "All collections of a database" means its non-system collections (and the database itself).
  if (resource.collection === '') return target.collection === undefined || !isSystem(target.collection);
  return resource.collection === target.collection;
}

export function allowed(privileges: Privilege[], target: Target, action: string): boolean {
  return privileges.some((p) => p.actions.includes(action) && covers(p.resource, target));
}

/** Whether the user holds any privilege on database `db` (what listDatabases {authorizedDatabases} shows). */
export function touchesDatabase(privileges: Privilege[], db: string): boolean {
  return privileges.some((p) => 'anyResource' in p.resource || ('db' in p.resource && (p.resource.db === '' || p.resource.db === db)));
}

function splitNs(full: unknown): { db: string; collection: string } | null {
  const s = String(full);
  const dot = s.indexOf('.');
  return dot > 0 ? { db: s.slice(0, dot), collection: s.slice(dot + 1) } : null;
}

const CLUSTER_COMMANDS: Record<string, string> = {
  serverstatus: 'serverStatus', hostinfo: 'hostInfo', replsetgetstatus: 'replSetGetStatus', getparameter: 'getParameter',
};

/**
 * The privileges a command needs, or null when the command is open to every signed-in user (hello,
 * ping, buildInfo, connectionStatus, sessions, …). `alternatives` lists requirement sets of which one
 * is enough (renameCollection's same-database rule).
 */
export function requirements(lower: string, db: string, body: Document, firstValue: unknown): Requirement[][] | null {
  const ns = (collection: unknown): Target => ({ db, collection: String(collection) });
  const need = (target: Target, ...actions: string[]): Requirement[][] => [[{ target, actions }]];
  const bypass = body.bypassDocumentValidation === true ? ['bypassDocumentValidation'] : [];
  if (lower in CLUSTER_COMMANDS) return need({ cluster: true }, CLUSTER_COMMANDS[lower]);
  switch (lower) {
    case 'find': case 'count': case 'distinct': return need(ns(firstValue), 'find');
    case 'getmore': return need(ns(body.collection), 'find');
    case 'killcursors': return need(ns(firstValue), 'killCursors');
    case 'aggregate': {
      const first = Array.isArray(body.pipeline) ? (body.pipeline[0] as Document | undefined) : undefined;
      return need(ns(firstValue), first && '$collStats' in first ? 'collStats' : first && '$indexStats' in first ? 'indexStats' : 'find');
    }
    case 'listcollections': return need({ db }, 'listCollections');
    case 'listindexes': return need(ns(firstValue), 'listIndexes');
    case 'collstats': return need(ns(firstValue), 'collStats');
    case 'validate': return need(ns(firstValue), 'validate');
    case 'dbstats': return need({ db }, 'dbStats');
    case 'create': {
      const reqs: Requirement[] = [{ target: ns(firstValue), actions: ['createCollection'] }];
      if (typeof body.viewOn === 'string') reqs.push({ target: ns(body.viewOn), actions: ['find'] });
      return [reqs];
    }
    case 'drop': return need(ns(firstValue), 'dropCollection');
    case 'dropdatabase': return need({ db }, 'dropDatabase');
    case 'createindexes': return need(ns(firstValue), 'createIndex');
    case 'dropindexes': case 'deleteindexes': return need(ns(firstValue), 'dropIndex');
    case 'insert': return need(ns(firstValue), 'insert', ...bypass);
    case 'update': {
      const upsert = Array.isArray(body.updates) && (body.updates as Document[]).some((u) => u?.upsert === true);
      return need(ns(firstValue), 'update', ...(upsert ? ['insert'] : []), ...bypass);
    }
    case 'delete': return need(ns(firstValue), 'remove');
    case 'findandmodify': {
      const write = body.remove === true ? ['remove'] : ['update', ...(body.upsert === true ? ['insert'] : [])];
      return need(ns(firstValue), 'find', ...write, ...bypass);
    }
    case 'renamecollection': {
      const from = splitNs(firstValue);
      const to = splitNs(body.to);
      if (!from || !to) return null; // the handler answers InvalidNamespace
      const drop = body.dropTarget === true;
      // Against one database: renameCollectionSameDB on it (and dropCollection on a dropped target);
      // otherwise find+dropCollection on the source and insert+createIndex on the target.
      const general: Requirement[] = [
        { target: from, actions: ['find', 'dropCollection'] },
        { target: to, actions: ['insert', 'createIndex', ...(drop ? ['dropCollection'] : [])] },
      ];
      if (from.db !== to.db || isSystem(from.collection) || isSystem(to.collection)) return [general];
      const sameDb: Requirement[] = [{ target: { db: from.db }, actions: ['renameCollectionSameDB'] }, { target: from, actions: ['find'] }];
      if (drop) sameDb.push({ target: to, actions: ['dropCollection'] });
      return [sameDb, general];
    }
    case 'createuser': return need({ db }, 'createUser');
    case 'dropuser': return need({ db }, 'dropUser');
    case 'grantrolestouser': return need({ db }, 'grantRole');
    default: return null;
  }
}

/** The command as mongod prints it in the message (its shell-like form of the BSON). */
export function printCommand(body: Document): string {
  const show = (v: unknown): string => {
    if (v === null) return 'null';
    if (v === undefined) return 'undefined';
    if (typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (Array.isArray(v)) return v.length ? `[ ${v.map(show).join(', ')} ]` : '[]';
    if (typeof v === 'object' && '_bsontype' in v) {
      const b = v as { _bsontype: string; toString(): string; toHexString?: () => string; sub_type?: number };
      if (b._bsontype === 'Binary' && b.sub_type === 4) return `UUID("${(v as unknown as { toUUID(): { toHexString(): string } }).toUUID().toHexString()}")`;
      if (b._bsontype === 'ObjectId' && b.toHexString) return `ObjectId('${b.toHexString()}')`;
      return b.toString();
    }
    if (typeof v === 'object') {
      const entries = Object.entries(v as Document);
      return entries.length ? `{ ${entries.map(([k, x]) => `${k}: ${show(x)}`).join(', ')} }` : '{}';
    }
    return String(v);
  };
  return show(body);
}

/** Longest command text in a refusal: a refused insert of a large batch must not become a huge message. */
const MAX_PRINTED = 2048;

export function unauthorized(db: string, body: Document): CommandError {
  const printed = printCommand(body);
  return new CommandError('Unauthorized', `not authorized on ${db} to execute command ${printed.length > MAX_PRINTED ? `${printed.slice(0, MAX_PRINTED)} …` : printed}`);
}

/** Whether `privileges` satisfy one of the requirement sets. */
export function satisfies(privileges: Privilege[], alternatives: Requirement[][]): boolean {
  return alternatives.some((set) => set.every((r) => r.actions.every((a) => allowed(privileges, r.target, a))));
}

/** Privileges merged per resource, as connectionStatus {showPrivileges: true} lists them. */
export function mergedPrivileges(privileges: Privilege[]): Privilege[] {
  const byKey = new Map<string, Privilege>();
  for (const p of privileges) {
    const key = JSON.stringify(p.resource);
    const seen = byKey.get(key);
    if (seen) seen.actions = sorted([...seen.actions, ...p.actions]);
    else byKey.set(key, { resource: p.resource, actions: sorted(p.actions) });
  }
  return [...byKey.values()];
}
