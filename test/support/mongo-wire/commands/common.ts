// Helpers shared by the command handlers of the TEST DOUBLE.
import { BSON, Timestamp, type Document } from 'bson';
import { checkReadTimestamp, tsKey } from '../history';
import { BUCKETS_PREFIX, findTimeseries, unpack } from '../timeseries';
import type { CommandContext } from '../context';
import { CommandError } from '../errors';
import { aggregate, type PipelineEnv } from '../query';
import { FIDELITY, StoredDoc } from '../storage';
import { asNumber, isPlainObject } from '../values';

export function num(v: unknown): number | undefined {
  return asNumber(v);
}

/** The collection named by the command's first field (`{find: "coll"}`). */
export function collectionArg(ctx: CommandContext): string {
  const name = ctx.body[ctx.name] as unknown;
  if (typeof name !== 'string' || name === '') {
    throw new CommandError('InvalidNamespace', `collection name has invalid type ${typeof name}`);
  }
  return name;
}

export function docArg(ctx: CommandContext, field: string): Document | undefined {
  const v = ctx.body[field] as unknown;
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) throw new CommandError('TypeMismatch', `BSON field '${ctx.name}.${field}' is the wrong type, expected type 'object'`);
  return v;
}

/** Decoded statements of a write command, from a kind-1 document sequence or the body array. */
export function statements(ctx: CommandContext, field: string): Document[] {
  const seq = ctx.sequences.get(field);
  if (seq) return seq.map((b) => BSON.deserialize(b, FIDELITY));
  const arr = ctx.body[field] as unknown;
  if (!Array.isArray(arr)) throw new CommandError('FailedToParse', `BSON field '${ctx.name}.${field}' is missing but a required field`);
  return arr as Document[];
}

/**
 * Snapshot read concern: a replica set answers with an atClusterTime; a standalone refuses it the way
 * mongod does (NotAReplicaSet). Returns the fields to add to the cursor document.
 */
export function readConcernExtra(ctx: CommandContext): Document {
  const rc = ctx.body.readConcern as Document | undefined;
  if (!rc || rc.level !== 'snapshot') return {};
  if (!ctx.server.isReplSet) throw new CommandError('NotAReplicaSet', 'node needs to be a replica set member to use read concern');
  const given = rc.atClusterTime instanceof Timestamp ? rc.atClusterTime : undefined;
  const at = given ?? ctx.server.clusterTime();
  ctx.readAt = given ? checkReadTimestamp(given, ctx.server.params) : tsKey(at);
  return { atClusterTime: at };
}

/** Documents of a collection, or of a view evaluated over its source (views may stack). */
export function sourceDocs(ctx: CommandContext, db: string, name: string, depth = 0): StoredDoc[] {
  const { storage } = ctx.server;
  const ts = findTimeseries(storage, db, name);
  if (ts) return unpack(sourceDocs(ctx, db, `${BUCKETS_PREFIX}${name}`, depth + 1), ts);
  const coll = storage.collection(db, name);
  if (coll) return ctx.readAt !== undefined && coll.log ? coll.log.docsAt(coll.docs, ctx.readAt) : [...coll.docs.values()];
  const view = storage.view(db, name);
  if (!view) return [];
  if (depth > 20) throw new CommandError('BadValue', 'View depth too deep or view cycle detected');
  const base = sourceDocs(ctx, db, view.viewOn, depth + 1);
  return aggregate(base, view.pipeline, pipelineEnv(ctx, db)).map((b) => new StoredDoc(b));
}

export function pipelineEnv(ctx: CommandContext, db: string): PipelineEnv {
  return { resolve: (name) => sourceDocs(ctx, db, name) };
}

export function ns(db: string, coll: string): string {
  return `${db}.${coll}`;
}
