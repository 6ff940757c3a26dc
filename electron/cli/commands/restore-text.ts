// The restore plan and its result as plain text for `pci-maint restore` (the same numbers the wizard shows).
import { countMatches, type RestorePlan, type RestoreSummary } from '../../../shared/api/restore';
import { formatBytes, formatDuration } from '../../../shared/format';

const n = (v: number) => v.toLocaleString('en-US');
const LIST = 20;

export function planText(plan: RestorePlan): string[] {
  const out: string[] = [];
  const tags = plan.snapshot.tags.length > 0 ? ` (${plan.snapshot.tags.join(', ')})` : '';
  out.push(`Restore point of ${plan.snapshot.createdAt.replace('T', ' ').slice(0, 16)} UTC${tags}, ${plan.snapshot.id}`);
  out.push(`from ${plan.location}`);
  if (plan.database) {
    out.push('', `Database ${plan.database.name}:`);
    const width = Math.min(40, Math.max(10, ...plan.database.collections.map((c) => c.name.length)));
    for (const c of plan.database.collections) {
      const now = c.kind === 'view' ? 'view' : c.docsNow === null ? 'missing now' : `${n(c.docsNow)} now`;
      const then = c.kind === 'view' ? '' : `${n(c.docsInSnapshot)} in the restore point`;
      const what = { replace: 'replaced', create: 'created again', view: 'view recreated', skip: `not restored: ${c.note ?? ''}` }[c.action];
      out.push(`  ${c.name.padEnd(width)}  ${now.padStart(16)} → ${then.padEnd(30)} ${what}`);
      if (c.note && c.action !== 'skip') out.push(`      ${c.note}`);
    }
    if (plan.database.kept.length > 0) out.push(`  Kept as they are (not in the restore point): ${plan.database.kept.map((k) => k.name).join(', ')}`);
  }
  if (plan.bucket) {
    const b = plan.bucket;
    out.push('', `R2 bucket ${b.name}:`);
    out.push(`  put back: ${n(b.put.count)} files (${formatBytes(b.put.bytes)}): ${n(b.missing)} missing now, ${n(b.changed)} changed since`);
    for (const p of b.put.items.slice(0, LIST)) out.push(`    ${p.key} (${formatBytes(p.size)}, ${p.reason === 'missing' ? 'missing' : p.reason === 'metadata' ? 'other metadata' : 'changed'})`);
    if (b.put.count > LIST) out.push(`    … and ${n(b.put.count - LIST)} more`);
    out.push(`  unchanged: ${n(b.unchanged.count)} files (${formatBytes(b.unchanged.bytes)}), left as they are`);
    if (b.extra.count > 0) {
      out.push(`  not in the restore point: ${n(b.extra.count)} files (${formatBytes(b.extra.bytes)}), kept unless --remove-extra is given:`);
      for (const e of b.extra.items.slice(0, LIST)) out.push(`    ${e.key} (${formatBytes(e.size)})`);
      if (b.extra.count > LIST) out.push(`    … and ${n(b.extra.count - LIST)} more`);
    }
  }
  if (plan.folders) {
    out.push('', 'Configuration folders:');
    for (const f of plan.folders.items) out.push(`  ${f.name} → ${f.target ?? '(nowhere: not restored)'}: ${n(f.files)} files, ${formatBytes(f.bytes)}`);
  }
  for (const w of plan.warnings) out.push(`Note: ${w}`);
  out.push('', `Before anything changes, ${n(plan.read.blobs)} parts of the backup (${formatBytes(plan.read.bytes)}) are read and checked.`);
  return out;
}

export function summaryText(s: RestoreSummary): string[] {
  const out: string[] = [];
  if (s.safetySnapshot) out.push(`Safety backup of what existed before: restore point ${s.safetySnapshot.id}`);
  else out.push('No safety backup was made.');
  if (s.plan.database) {
    out.push(`Database: ${s.database.restored.length} collections restored (${n(s.database.restored.reduce((a, r) => a + r.docs, 0))} documents), ${s.database.views.length} views recreated.`);
    if (s.database.notRestored.length > 0) out.push(`  Not restored: ${s.database.notRestored.join(', ')}`);
    for (const f of s.database.failed) out.push(`  Failed: ${f.name}: ${f.message}`);
  }
  if (s.plan.bucket) {
    out.push(`R2: ${n(s.bucket.put)} files put back (${formatBytes(s.bucket.putBytes)})${s.removeExtra ? `, ${n(s.bucket.removed)} removed` : ''}.`);
    if (s.bucket.notDone > 0) out.push(`  ${n(s.bucket.notDone)} files were not put back.`);
    for (const f of [...s.bucket.failed, ...s.bucket.removeFailed].slice(0, LIST)) out.push(`  Failed: ${f.name}: ${f.message}`);
  }
  if (s.plan.folders) {
    out.push(`Configuration folders: ${n(s.folders.written)} files written (${formatBytes(s.folders.bytes)}).`);
    for (const f of s.folders.failed.slice(0, LIST)) out.push(`  Failed: ${f.name}: ${f.message}`);
  }
  const v = s.verification;
  if (v) {
    const docs = v.collections.reduce((a, c) => a + (c.found ?? 0), 0);
    out.push(
      v.ok
        ? `Checked afterwards: ${v.collections.length} collections (${n(docs)} documents), ${n(v.objects.present)} of ${n(v.objects.expected)} files present, ${v.objects.sampled} downloaded and compared. Everything matches the restore point.`
        : 'Checked afterwards: differences found:',
    );
    for (const c of v.collections) {
      if (countMatches(c) && c.found !== c.expected) out.push(`  ${c.name}: ${n(c.found ?? 0)} of ${n(c.expected)} documents: MongoDB deleted ${n(c.expected - (c.found ?? 0))} that were already past their expiry time (automatic deletion by date).`);
    }
    for (const c of v.collections) if (!countMatches(c) || !c.sampleOk || !c.indexesOk) out.push(`  ${c.name}: ${c.found} of ${c.expected} documents${c.sampleOk ? '' : ', documents differ'}${c.indexesOk ? '' : ', indexes differ'}`);
    for (const p of [...v.objects.problems, ...v.files.problems].slice(0, LIST)) out.push(`  ${p.name} ${p.message}`);
  }
  for (const note of s.notes ?? []) out.push(note);
  out.push(`Took ${formatDuration(s.durationMs / 1000)}.`);
  return out;
}
