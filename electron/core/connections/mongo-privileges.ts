// What the MongoDB user of a connection may do, read from the server itself
// (`connectionStatus {showPrivileges: true}`) and compared with what each task of this app needs.
// "Test connection" shows it in plain words; restore and the test restore refuse up front, while
// planning, instead of failing halfway (after the safety backup) or blaming the backup.
//
// Actions per task (MongoDB manual, "Privilege Actions"; only on the one database of the connection):
// - back up: find, listCollections, listIndexes — the `read` role;
// - restore: the above plus insert, update, remove (its run registration), createCollection,
//   createIndex, dropCollection and renameCollectionSameDB (each collection is built aside and swapped
//   in) — the `readWrite` role. bypassDocumentValidation (`dbAdmin`, or `restore` in admin) is used
//   when the user has it, so documents the collection's validation rules refuse still go back;
// - test restore: the restore's actions minus renameCollectionSameDB (scratch collections in the
//   same database, registered like a restore's run, dropped afterwards);
// - pre-update checks: the backup's actions plus collStats (sizes); their optional "nothing writes"
//   check reads serverStatus, a cluster action (the `clusterMonitor` role in admin).
import { randomBytes } from 'node:crypto';
import type { Db, Document } from 'mongodb';
import { UserError } from '../../../shared/errors';
import { RUNS_COLLECTION } from '../restore/cleanup';

export type Task = 'backup' | 'restore' | 'testRestore' | 'checks';

export const TASK_WORDS: Record<Task, string> = {
  backup: 'back up',
  restore: 'restore',
  testRestore: 'test-restore',
  checks: 'run the pre-update checks',
};

const READ = ['find', 'listCollections', 'listIndexes'];
export const TASK_ACTIONS: Record<Task, string[]> = {
  backup: READ,
  restore: [...READ, 'insert', 'update', 'remove', 'createCollection', 'createIndex', 'dropCollection', 'renameCollectionSameDB'],
  testRestore: [...READ, 'insert', 'update', 'remove', 'createCollection', 'createIndex', 'dropCollection'],
  checks: [...READ, 'collStats'],
};
/** The least role on the database that covers each task. */
const TASK_ROLE: Record<Task, string> = { backup: 'read', restore: 'readWrite', testRestore: 'readWrite', checks: 'read' };

interface Resource {
  db?: string;
  collection?: string;
  cluster?: boolean;
  anyResource?: boolean;
}

export interface MongoPrivileges {
  /** False when the server does not check users (no access control): everything is allowed. */
  enforced: boolean;
  /** The signed-in user and the database it is defined in (its authSource). */
  user: { name: string; db: string } | null;
  database: string;
  /** Per task: the actions it needs that this user lacks on the database (empty: allowed). */
  missing: Record<Task, string[]>;
  /** Whether inserts may skip the collections' validation rules (bypassDocumentValidation). */
  bypassValidation: boolean;
  /** Whether the server's status may be read (the optional "nothing writes" pre-update check). */
  serverStatus: boolean;
}

/** Whether the privileges grant `action` on every ordinary collection of `database`. */
function grants(privileges: Array<{ resource: Resource; actions: string[] }>, database: string, action: string): boolean {
  return privileges.some(({ resource, actions }) => {
    if (!actions.includes(action)) return false;
    if (resource.anyResource) return true;
    // Privileges on single collections do not prove anything about the others: not counted.
    return (resource.db === database || resource.db === '') && resource.collection === '';
  });
}

function grantsCluster(privileges: Array<{ resource: Resource; actions: string[] }>, action: string): boolean {
  return privileges.some(({ resource, actions }) => actions.includes(action) && (resource.anyResource === true || resource.cluster === true));
}

/**
 * What the signed-in user may do on `database`. Throws the driver's error when the server cannot say
 * (the caller decides what an unknown means).
 *
 * A server started without access control still signs users in and lists their roles, but enforces
 * nothing. So when the roles say "may not write", one harmless write proves it: a document put into
 * (and at once taken out of) the restore's own registration collection, which backups leave out. If
 * MongoDB accepts it, its roles are not enforced here.
 */
export async function readPrivileges(db: Db, database = db.databaseName): Promise<MongoPrivileges> {
  const p = privilegesFromStatus(await db.admin().command({ connectionStatus: 1, showPrivileges: true }), database);
  if (!p.enforced || !p.missing.restore.includes('insert')) return p;
  return (await writeIsRefused(db)) ? p : { ...p, enforced: false, missing: { backup: [], restore: [], testRestore: [], checks: [] }, bypassValidation: true, serverStatus: true };
}

async function writeIsRefused(db: Db): Promise<boolean> {
  const runs = db.collection<{ _id: string }>(RUNS_COLLECTION);
  const existed = (await db.listCollections({ name: RUNS_COLLECTION }, { nameOnly: true }).toArray()).length > 0;
  try {
    const probe = `probe-${randomBytes(6).toString('hex')}`;
    await runs.insertOne({ _id: probe });
    await runs.deleteOne({ _id: probe });
    if (!existed) await runs.drop().catch(() => undefined);
    return false;
  } catch (err) {
    if ((err as { code?: unknown }).code === 13) return true;
    throw err;
  }
}

/** The reply of `connectionStatus {showPrivileges: true}`, judged for `database`. */
export function privilegesFromStatus(status: Document, database: string): MongoPrivileges {
  const info = (status.authInfo ?? {}) as { authenticatedUsers?: Array<{ user: string; db: string }>; authenticatedUserPrivileges?: Array<{ resource: Resource; actions: string[] }> };
  const users = info.authenticatedUsers ?? [];
  const empty: Record<Task, string[]> = { backup: [], restore: [], testRestore: [], checks: [] };
  if (users.length === 0) return { enforced: false, user: null, database, missing: empty, bypassValidation: true, serverStatus: true };
  const privileges = info.authenticatedUserPrivileges ?? [];
  const missing = { ...empty };
  for (const task of Object.keys(TASK_ACTIONS) as Task[]) missing[task] = TASK_ACTIONS[task].filter((a) => !grants(privileges, database, a));
  return { enforced: true, user: { name: users[0].user, db: users[0].db }, database, missing, bypassValidation: grants(privileges, database, 'bypassDocumentValidation'), serverStatus: grantsCluster(privileges, 'serverStatus') };
}

/** The mongosh line an administrator runs (in the user's own database) to give `user` `role` on `database`. */
export function grantLine(user: { name: string; db: string }, role: string, database: string): string {
  return `db.grantRolesToUser(${JSON.stringify(user.name)}, [{ role: ${JSON.stringify(role)}, db: ${JSON.stringify(database)} }])`;
}

/** "in mongosh: use admin, then db.grantRolesToUser(…)" — users are granted roles where they are defined. */
function runLine(user: { name: string; db: string }, role: string, database: string): string {
  return `in mongosh: use ${user.db}, then ${grantLine(user, role, database)}`;
}

export function allowedTasks(p: MongoPrivileges): Task[] {
  return (Object.keys(TASK_ACTIONS) as Task[]).filter((t) => p.missing[t].length === 0);
}

const list = (items: string[]): string => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

/** "This user may back up and run the pre-update checks, but not restore or test-restore." */
export function privilegeSentence(p: MongoPrivileges): string {
  if (!p.enforced) return 'This server does not check users: everything is allowed (back up, restore, test-restore, pre-update checks).';
  const who = `The user "${p.user?.name}"`;
  const can = allowedTasks(p).map((t) => TASK_WORDS[t]);
  const cannot = (Object.keys(TASK_ACTIONS) as Task[]).filter((t) => p.missing[t].length > 0).map((t) => TASK_WORDS[t]);
  if (cannot.length === 0) return `${who} may ${list(can)} on "${p.database}".`;
  if (can.length === 0) return `${who} may not ${list(cannot).replace(/ and /, ' or ')} on "${p.database}".`;
  return `${who} may ${list(can)} on "${p.database}", but not ${list(cannot).replace(/ and ([^,]*)$/, ' or $1')}.`;
}

/** What an administrator does so the user may do every task (empty when nothing is missing). */
export function grantHint(p: MongoPrivileges): string {
  if (!p.enforced || !p.user) return '';
  const roles = [...new Set((Object.keys(TASK_ACTIONS) as Task[]).filter((t) => p.missing[t].length > 0).map((t) => TASK_ROLE[t]))];
  // readWrite includes read: one line is enough.
  const role = roles.includes('readWrite') ? 'readWrite' : roles[0];
  if (!role) return '';
  return `Ask whoever manages MongoDB to run, ${runLine(p.user, role, p.database)}`;
}

/** Said when the optional "nothing writes to the database" check cannot read the server's status. */
export function serverStatusSentence(p: MongoPrivileges): string {
  if (!p.enforced || p.serverStatus || !p.user) return '';
  return ` The optional pre-update check "nothing writes to the database" needs the server's status, which this user may not read; to allow it, ${runLine(p.user, 'clusterMonitor', 'admin')}.`;
}

/** Said when documents would meet validation rules this user may not skip. */
export function bypassHint(p: MongoPrivileges): string {
  if (!p.user) return '';
  return `To restore such documents too, ask whoever manages MongoDB to run, ${runLine(p.user, 'dbAdmin', p.database)}`;
}

/**
 * Refuses `task` when the server says this user lacks what it needs. A server that cannot say (an old
 * or unusual one) is not refused here: the task then meets MongoDB's own answer.
 */
export async function requireTask(db: Db, task: 'restore' | 'testRestore'): Promise<MongoPrivileges | null> {
  const p = await readPrivileges(db).catch(() => null);
  if (p && p.missing[task].length > 0) throw notAllowedError(p, task);
  return p;
}

/** The refusal of a task this user may not do; nothing has been changed when it is thrown. */
export function notAllowedError(p: MongoPrivileges, task: 'restore' | 'testRestore'): UserError {
  const words = task === 'restore' ? 'restore' : 'test-restore';
  return new UserError({
    code: 'MONGO_AUTH_FAILED',
    title: 'Not allowed',
    message: `The MongoDB user "${p.user?.name}" may not ${words} the database "${p.database}": it is not allowed to ${task === 'restore' ? 'create, fill and replace collections' : 'create, fill and remove collections'} there. ${task === 'restore' ? 'The restore did not start; nothing was changed.' : 'The test restore did not run; this says nothing about the backup.'}`,
    hint: `${grantHint(p)}, then try again. Or use the connection string of a user who has the "readWrite" role on "${p.database}".`,
    details: `MongoDB actions missing on ${p.database}: ${list(p.missing[task])}`,
  });
}
