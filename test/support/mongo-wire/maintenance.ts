// Database care commands of the TEST DOUBLE: `validate` and the `$indexStats` stage, answered in the
// shape mongod 7.0 answers them (MongoDB manual: "validate" → "Validate Output"; "$indexStats"), and
// the index-use counting `$indexStats` reports. Pinned by test/integration/mongo-conformance-maintenance.test.ts.
import { BSON, Long, type Document } from 'bson';
import os from 'node:os';
import type { CommandContext, Handler } from './context';
import { CommandError } from './errors';
import { collectionArg, ns } from './commands/common';
import { StoredDoc, type Collection, type IndexSpec } from './storage';
import { isPlainObject } from './values';
import { matcher } from './query';

/** Top-level field names a filter constrains (also inside a top-level `$and`). */
function filterFields(filter: Document | undefined): Set<string> {
  const out = new Set<string>();
  const visit = (f: unknown) => {
    if (!isPlainObject(f)) return;
    for (const [k, v] of Object.entries(f)) {
      if (k === '$and' && Array.isArray(v)) v.forEach(visit);
      else if (!k.startsWith('$')) out.add(k);
    }
  };
  visit(filter);
  return out;
}

/**
 * Count one access on the index a planner would choose for `filter`: of the indexes whose first key
 * field the filter constrains, the one with the longest constrained key prefix (the `_id` index for an
 * `_id` filter). A filter no index serves is a collection scan and counts nowhere, as on mongod.
 */
export function noteIndexUse(coll: Collection | undefined, filter: Document | undefined): void {
  if (!coll) return;
  const fields = filterFields(filter);
  if (fields.size === 0) return;
  let best: { spec: IndexSpec; prefix: number } | null = null;
  for (const spec of coll.indexes) {
    let prefix = 0;
    for (const k of Object.keys(spec.key)) {
      if (!fields.has(k)) break;
      prefix += 1;
    }
    if (prefix > 0 && (!best || prefix > best.prefix)) best = { spec, prefix };
  }
  if (!best) return;
  const stats = coll.indexAccess.get(best.spec.name);
  if (stats) stats.ops += 1;
}

/** The documents of the `$indexStats` stage (it must be the first stage; the caller checks). */
export function indexStatsDocs(ctx: CommandContext, name: string): StoredDoc[] {
  const coll = ctx.server.storage.collection(ctx.db, name);
  if (!coll) return []; // mongod answers an empty cursor for a missing collection
  const host = `${os.hostname()}:${ctx.server.config.port}`;
  return coll.indexes.map((spec) => {
    const access = coll.indexAccess.get(spec.name) ?? { ops: 0, since: ctx.server.startedAt };
    return new StoredDoc(Buffer.from(BSON.serialize({ name: spec.name, key: spec.key, host, accesses: { ops: Long.fromNumber(access.ops), since: access.since }, spec })));
  });
}

/** `$indexStats` anywhere but first is refused as mongod refuses it. */
export function checkIndexStatsPosition(stages: Document[]): void {
  if (stages.slice(1).some((s) => '$indexStats' in s)) throw new CommandError({ code: 40602, codeName: 'Location40602' }, '$indexStats is only valid as the first stage in a pipeline');
}

function nonCompliant(coll: Collection): number {
  const { validator, validationLevel } = coll.options;
  if (!isPlainObject(validator) || validationLevel === 'off' || JSON.stringify(validator).includes('$jsonSchema')) return 0;
  const test = matcher(validator);
  let n = 0;
  for (const doc of coll.docs.values()) if (!test(doc)) n += 1;
  return n;
}

/**
 * `validate`: the test double's documents are whole BSON and its indexes are derived from them, so
 * nothing is ever corrupt here; what it finds is documents failing the collection's validator
 * (`nNonCompliantDocuments`, from 6.2), reported as a warning with validationAction "warn" and as an
 * error (valid: false) with "error", as mongod does (SERVER-60708 / DOCS-15206).
 */
const validate: Handler = (ctx) => {
  const name = collectionArg(ctx);
  const full = ctx.body.full === true;
  if (ctx.body.background === true && full) {
    throw new CommandError('InvalidOptions', 'Running the validate command with both { background: true } and { full: true } is not supported.');
  }
  if (ctx.body.background === true && ctx.body.repair === true) {
    throw new CommandError('InvalidOptions', 'Running the validate command with both { background: true } and { repair: true } is not supported.');
  }
  const coll = ctx.server.storage.collection(ctx.db, name);
  if (!coll) {
    if (ctx.server.storage.view(ctx.db, name)) throw new CommandError('CommandNotSupportedOnView', 'Cannot validate a view');
    throw new CommandError('NamespaceNotFound', `Collection '${ns(ctx.db, name)}' does not exist to validate.`);
  }
  const keysPerIndex: Document = {};
  const indexDetails: Document = {};
  for (const spec of coll.indexes) {
    keysPerIndex[spec.name] = coll.indexKeyCount(spec);
    indexDetails[spec.name] = { valid: true };
  }
  const bad = nonCompliant(coll);
  const warnings: string[] = [];
  const errors: string[] = [];
  if (bad > 0) {
    const text = `Detected ${bad} document${bad === 1 ? '' : 's'} not compliant with the collection's schema. Check the logs for details.`;
    (coll.options.validationAction === 'warn' ? warnings : errors).push(text);
  }
  return {
    ns: coll.ns, uuid: coll.uuid, nInvalidDocuments: 0, nNonCompliantDocuments: bad, nrecords: coll.docs.size, nIndexes: coll.indexes.length,
    keysPerIndex, indexDetails, valid: errors.length === 0, repaired: false, warnings, errors,
    extraIndexEntries: [], missingIndexEntries: [], corruptRecords: [],
  };
};

export const maintenanceCommands: Record<string, Handler> = { validate };
