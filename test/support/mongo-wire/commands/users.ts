// User management commands of the TEST DOUBLE (createUser, dropUser, grantRolesToUser, usersInfo),
// enough for tests to set up least-privilege users the same way on the double and on a real mongod.
// Users are defined in the database the command runs on, as with mongod; roles are built-in only.
import type { Document } from 'bson';
import { isBuiltinRole, type RoleRef } from '../auth-roles';
import type { CommandContext, Handler } from '../context';
import { CommandError } from '../errors';

function scramOf(ctx: CommandContext) {
  const scram = ctx.server.scram;
  if (!scram) throw new CommandError('IllegalOperation', 'the test double was started without authentication: start it with `auth` or `users`');
  return scram;
}

function rolesArg(ctx: CommandContext, field: string): RoleRef[] {
  const raw = ctx.body[field] as unknown;
  if (!Array.isArray(raw)) throw new CommandError('BadValue', `"${field}" field must be an array`);
  return raw.map((r: unknown) => {
    const ref: RoleRef = typeof r === 'string' ? { role: r, db: ctx.db } : { role: String((r as Document).role), db: String((r as Document).db) };
    if (!isBuiltinRole(ref)) throw new CommandError({ code: 31, codeName: 'RoleNotFound' }, `Could not find role: ${ref.role}@${ref.db}`);
    return ref;
  });
}

const createUser: Handler = (ctx) => {
  const scram = scramOf(ctx);
  const name = String(ctx.body[ctx.name]);
  if (scram.knows(ctx.db, name)) throw new CommandError({ code: 51003, codeName: 'Location51003' }, `User "${name}@${ctx.db}" already exists`);
  if (typeof ctx.body.pwd !== 'string') throw new CommandError('BadValue', 'Must provide a \'pwd\' field for all user documents, except those with \'$external\' as the user\'s source db');
  scram.add({ username: name, password: ctx.body.pwd, db: ctx.db, roles: rolesArg(ctx, 'roles') });
  return {};
};

const dropUser: Handler = (ctx) => {
  const name = String(ctx.body[ctx.name]);
  if (!scramOf(ctx).remove(ctx.db, name)) throw new CommandError({ code: 11, codeName: 'UserNotFound' }, `User '${name}@${ctx.db}' not found`);
  return {};
};

const grantRolesToUser: Handler = (ctx) => {
  const scram = scramOf(ctx);
  const name = String(ctx.body[ctx.name]);
  const user = scram.find(ctx.db, name);
  if (!user) throw new CommandError({ code: 11, codeName: 'UserNotFound' }, `Could not find user "${name}" for db "${ctx.db}"`);
  for (const r of rolesArg(ctx, 'roles')) if (!user.roles.some((x) => x.role === r.role && x.db === r.db)) user.roles.push(r);
  return {};
};

const usersInfo: Handler = (ctx) => {
  const which = ctx.body[ctx.name] as unknown;
  const users = scramOf(ctx).all().filter((u) => u.db === ctx.db && (typeof which !== 'string' || u.username === which));
  return { users: users.map((u) => ({ _id: `${u.db}.${u.username}`, user: u.username, db: u.db, roles: u.roles, mechanisms: ['SCRAM-SHA-256'] })) };
};

export const userCommands: Record<string, Handler> = {
  createuser: createUser, dropuser: dropUser, grantrolestouser: grantRolesToUser, usersinfo: usersInfo,
};
