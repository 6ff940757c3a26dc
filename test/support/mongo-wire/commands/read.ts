// Read commands of the TEST DOUBLE: find/getMore/killCursors, count, distinct and aggregate.
import { BSON, Long, type Document } from 'bson';
import os from 'node:os';
import type { CommandContext, Handler } from '../context';
import { CommandError } from '../errors';
import { aggregate as runPipeline, find as runFind, matcher } from '../query';
import { StoredDoc } from '../storage';
import { isPlainObject, pathLeaves, valueKey } from '../values';
import { collStats } from './catalog';
import { checkIndexStatsPosition, indexStatsDocs, noteIndexUse } from '../maintenance';
import { collectionArg, docArg, ns, num, pipelineEnv, readConcernExtra, sourceDocs } from './common';

function toBigInt(v: unknown): bigint {
  if (v instanceof Long) return v.toBigInt();
  const n = num(v);
  if (n === undefined) throw new CommandError('TypeMismatch', "BSON field 'getMore' is the wrong type, expected type 'long'");
  return BigInt(n);
}

const find: Handler = (ctx) => {
  const name = collectionArg(ctx);
  const extra = readConcernExtra(ctx);
  ctx.server.opcounters.query += 1;
  noteIndexUse(ctx.server.storage.collection(ctx.db, name), docArg(ctx, 'filter'));
  const limit = num(ctx.body.limit);
  const docs = runFind(sourceDocs(ctx, ctx.db, name), {
    filter: docArg(ctx, 'filter'), sort: docArg(ctx, 'sort'), projection: docArg(ctx, 'projection'),
    skip: num(ctx.body.skip), limit,
  });
  return ctx.server.cursors.first(
    { ns: ns(ctx.db, name), docs, data: true, extra },
    { batchSize: num(ctx.body.batchSize), singleBatch: ctx.body.singleBatch === true || (limit ?? 0) < 0 },
  );
};

const getMore: Handler = (ctx) => {
  ctx.server.opcounters.getmore += 1;
  const collection = ctx.body.collection as unknown;
  if (typeof collection !== 'string') throw new CommandError('FailedToParse', "BSON field 'getMore.collection' is missing but a required field");
  return ctx.server.cursors.getMore(toBigInt(ctx.body.getMore), ns(ctx.db, collection), num(ctx.body.batchSize));
};

const killCursors: Handler = (ctx) => {
  const ids = ((ctx.body.cursors as unknown[] | undefined) ?? []).map(toBigInt);
  const { killed, notFound } = ctx.server.cursors.kill(ids);
  return { cursorsKilled: killed.map((id) => Long.fromBigInt(id)), cursorsNotFound: notFound.map((id) => Long.fromBigInt(id)), cursorsAlive: [], cursorsUnknown: [] };
};

const count: Handler = (ctx) => {
  const name = collectionArg(ctx);
  readConcernExtra(ctx);
  noteIndexUse(ctx.server.storage.collection(ctx.db, name), docArg(ctx, 'query'));
  const matched = sourceDocs(ctx, ctx.db, name).filter(matcher(docArg(ctx, 'query')));
  const skip = num(ctx.body.skip) ?? 0;
  const limit = Math.abs(num(ctx.body.limit) ?? 0);
  const n = Math.max(0, matched.length - skip);
  return { n: limit ? Math.min(n, limit) : n };
};

const distinct: Handler = (ctx) => {
  const name = collectionArg(ctx);
  const extra = readConcernExtra(ctx);
  const key = ctx.body.key as unknown;
  if (typeof key !== 'string') throw new CommandError('FailedToParse', "BSON field 'distinct.key' is missing but a required field");
  const seen = new Map<string, unknown>();
  for (const doc of sourceDocs(ctx, ctx.db, name).filter(matcher(docArg(ctx, 'query')))) {
    for (const v of pathLeaves(doc.fid, key)) {
      const k = valueKey(v);
      if (!seen.has(k)) seen.set(k, v);
    }
  }
  return { values: [...seen.values()], ...extra };
};

function collStatsStage(ctx: CommandContext, name: string, spec: Document): StoredDoc {
  const coll = ctx.server.storage.collection(ctx.db, name);
  if (!coll) throw new CommandError('NamespaceNotFound', `Unable to retrieve storageStats in $collStats stage :: caused by :: Collection [${ns(ctx.db, name)}] not found.`);
  const out: Document = { ns: coll.ns, host: `${os.hostname()}:${ctx.server.config.port}`, localTime: new Date() };
  if (spec.latencyStats) out.latencyStats = { reads: { latency: 0, ops: 0 }, writes: { latency: 0, ops: 0 }, commands: { latency: 0, ops: 0 } };
  if (spec.storageStats) out.storageStats = collStats(coll, num((spec.storageStats as Document).scale) ?? 1);
  if (spec.count) out.count = coll.docs.size;
  return new StoredDoc(Buffer.from(BSON.serialize(out)));
}

const aggregate: Handler = (ctx) => {
  const target = ctx.body.aggregate as unknown;
  if (typeof target !== 'string') throw new CommandError('CommandNotSupported', 'database-level aggregation ({aggregate: 1}) is not supported by the MongoDB test double');
  const pipeline = ctx.body.pipeline as unknown;
  if (!Array.isArray(pipeline) || !pipeline.every(isPlainObject)) throw new CommandError('TypeMismatch', "'pipeline' option must be specified as an array");
  const cursor = docArg(ctx, 'cursor');
  if (!cursor) throw new CommandError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
  const extra = readConcernExtra(ctx);
  let docs: StoredDoc[];
  let stages = pipeline as Document[];
  checkIndexStatsPosition(stages);
  if (stages[0] && '$collStats' in stages[0]) {
    docs = [collStatsStage(ctx, target, stages[0].$collStats as Document)];
    stages = stages.slice(1);
  } else if (stages[0] && '$indexStats' in stages[0]) {
    docs = indexStatsDocs(ctx, target);
    stages = stages.slice(1);
  } else {
    if (stages[0] && isPlainObject(stages[0].$match)) noteIndexUse(ctx.server.storage.collection(ctx.db, target), stages[0].$match);
    docs = sourceDocs(ctx, ctx.db, target);
  }
  const out = runPipeline(docs, stages, pipelineEnv(ctx, ctx.db));
  return ctx.server.cursors.first({ ns: ns(ctx.db, target), docs: out, data: true, extra }, { batchSize: num(cursor.batchSize) });
};

export const readCommands: Record<string, Handler> = {
  find, getmore: getMore, killcursors: killCursors, count, distinct, aggregate,
};
