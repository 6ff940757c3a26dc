// Database verification: MongoDB's `validate` on every collection, one at a time with a pause between
// them, in the background mode that does not lock the collection. Where the server refuses that mode,
// the quick foreground mode (which blocks the collection while it runs) is used on a standalone server
// only; on a replica-set primary it runs only when asked (`allowBlockingValidate`, the CLI's
// --allow-blocking), so a busy primary is never blocked unasked. Results in plain words: damaged
// documents or indexes are critical, documents that break the collection's rules a warning.
import type { Document } from 'mongodb';
import { isTempCollection } from '../../restore/cleanup';
import { plural, result, sleep, type PlanCheck } from '../types';
import { isResult, isUnauthorized, num, reachMongo } from './mongo-common';

interface Verdict {
  name: string;
  damaged: boolean;
  nonCompliant: number;
  line: string;
}

function judge(name: string, r: Document): Verdict {
  const invalid = num(r.nInvalidDocuments) ?? 0;
  const nonCompliant = num(r.nNonCompliantDocuments) ?? 0;
  const corrupt = Array.isArray(r.corruptRecords) ? r.corruptRecords.length : 0;
  const missing = Array.isArray(r.missingIndexEntries) ? r.missingIndexEntries.length : 0;
  const extra = Array.isArray(r.extraIndexEntries) ? r.extraIndexEntries.length : 0;
  const badIndexes = Object.entries((r.indexDetails ?? {}) as Record<string, { valid?: boolean }>).filter(([, d]) => d?.valid === false).map(([n]) => n);
  // valid:false from documents that only break the validator is not damage (validationAction "error").
  const damaged = invalid > 0 || corrupt > 0 || missing > 0 || extra > 0 || badIndexes.length > 0 || (r.valid === false && nonCompliant === 0);
  const records = num(r.nrecords);
  const parts: string[] = [];
  if (invalid || corrupt) parts.push(`${plural(invalid + corrupt, 'damaged document')}`);
  if (missing || extra || badIndexes.length) parts.push(`indexes that do not match the documents${badIndexes.length ? ` (${badIndexes.join(', ')})` : ''}`);
  if (damaged && parts.length === 0) parts.push(`problems: ${(r.errors as string[] | undefined)?.slice(0, 2).join('; ') || 'see the MongoDB log'}`);
  if (nonCompliant) parts.push(`${plural(nonCompliant, 'document')} that break the collection's rules`);
  const line = parts.length ? `“${name}”: ${parts.join(', ')}.` : `“${name}”: ${records === null ? 'fine' : `${plural(records, 'document')}, ${plural(num(r.nIndexes) ?? 0, 'index', 'indexes')}, all fine`}.`;
  return { name, damaged, nonCompliant, line };
}

export const dbValidate: PlanCheck = {
  id: 'db-validate',
  title: 'Database verification',
  description: "Asks MongoDB to check every collection's documents and indexes for damage (its validate command, in the mode that does not block PCI File Manager), one collection at a time.",
  frequency: 'weekly',
  route: '/restore',
  async run(ctx) {
    const mongo = await reachMongo(this, ctx, 'not-checked');
    if (isResult(mongo)) return mongo;
    const db = mongo.client.db(mongo.database);
    const infos = await db.listCollections({}, { nameOnly: false }).toArray();
    const names = infos.filter((i) => i.type === 'collection' && !i.name.startsWith('system.') && !isTempCollection(i.name)).map((i) => i.name).sort();
    const hello = await mongo.client.db('admin').command({ hello: 1 }).catch(() => ({}) as Document);
    const primaryOfSet = typeof hello.setName === 'string';
    const mayBlock = !primaryOfSet || ctx.options.allowBlockingValidate === true;
    const verdicts: Verdict[] = [];
    const notAllowed: string[] = [];
    const skipped: string[] = [];
    const details: string[] = [];
    for (const [i, name] of names.entries()) {
      ctx.signal.throwIfAborted();
      if (i > 0) await sleep(ctx.options.validatePauseMs ?? 250, ctx.signal);
      let r: Document;
      try {
        r = await db.command({ validate: name, full: false, background: true });
      } catch (err) {
        if (isUnauthorized(err)) {
          notAllowed.push(name);
          continue;
        }
        if ((err as { code?: number }).code === 26) continue; // dropped meanwhile
        if (!mayBlock) {
          ctx.log('info', `Background validation of ${name} refused (${(err as Error).message}); not blocking it on the primary of a replica set.`);
          skipped.push(name);
          continue;
        }
        ctx.log('info', `Background validation of ${name} refused (${(err as Error).message}); validating in the quick foreground mode.`);
        r = await db.command({ validate: name, full: false });
      }
      const v = judge(name, r);
      verdicts.push(v);
      details.push(v.line);
    }
    const damaged = verdicts.filter((v) => v.damaged);
    const nonCompliant = verdicts.reduce((a, v) => a + v.nonCompliant, 0);
    const measured = { collections: names.length, checked: verdicts.length, damaged: damaged.length, nonCompliantDocuments: nonCompliant, notBlocked: skipped.length };
    if (notAllowed.length === names.length && names.length > 0) {
      return result(this, ctx, 'not-checked', 'Not checked: the MongoDB user of this connection may not run the database verification.', {
        measured,
        whatToDo: `To include it, give that user the "dbAdmin" role on the database "${mongo.database}" (or ask whoever manages MongoDB to).`,
      });
    }
    if (notAllowed.length) details.push(`Not allowed to verify: ${notAllowed.join(', ')}.`);
    if (skipped.length) {
      details.push(
        `Not verified, because MongoDB would block them while it works and this is the main server of a replica set: ${skipped.join(', ')}. Verify them in the maintenance window (pci-maint plan --run --check db-validate --allow-blocking).`,
      );
    }
    if (damaged.length) {
      return result(this, ctx, 'critical', `MongoDB found damage in ${plural(damaged.length, 'collection')}: ${damaged.map((d) => `“${d.name}”`).join(', ')}.`, {
        measured,
        details,
        whatToDo:
          'Do not change anything in PCI File Manager for now. Make a backup of the current state, then restore the damaged collection from your latest verified restore point (Restore). If only indexes are wrong, rebuilding them may be enough: ask whoever helps you.',
      });
    }
    if (nonCompliant) {
      return result(this, ctx, 'warning', `${plural(nonCompliant, 'document')} break their collection's rules (no damage found).`, {
        measured,
        details,
        whatToDo: 'PCI File Manager may have written them before its rules changed, or an update went wrong. Tell whoever helps you; restoring is not needed.',
      });
    }
    if (names.length === 0) return result(this, ctx, 'info', `The database “${mongo.database}” has no collections to verify.`, { measured });
    return result(this, ctx, notAllowed.length || skipped.length ? 'info' : 'ok', `${plural(verdicts.length, 'collection')} verified: no damage found.`, { measured, details });
  },
};
