// setParameter of the TEST DOUBLE, for the parameters it acts on (history.ts ServerParameters).
// mongod: admin database only; unknown names fail; the reply carries the previous value as `was`.
import type { Handler } from '../context';
import { CommandError } from '../errors';

const GENERIC = new Set(['setParameter', 'lsid', 'comment', '$db', '$clusterTime', '$readPreference', 'writeConcern', 'apiVersion']);

const setParameter: Handler = ({ server, db, body }) => {
  if (db !== 'admin') throw new CommandError('Unauthorized', 'setParameter may only be run against the admin database.');
  const names = Object.keys(body).filter((k) => !GENERIC.has(k));
  if (names.length === 0) throw new CommandError('InvalidOptions', 'no option found to set, use help:true to see options ');
  let was: unknown;
  for (const name of names) {
    if (server.params.get(name) === undefined) throw new CommandError('InvalidOptions', `attempted to set unrecognized parameter [${name}], use help:true to see options `);
    was = server.params.set(name, body[name]);
  }
  return { was };
};

export const parameterCommands: Record<string, Handler> = { setparameter: setParameter };
