// The update record as one printable HTML page (no scripts, no outside files): what was updated, when,
// the restore point taken before, every check before and after, the baseline and the notes.
import { CONFIRMATIONS, type ChecklistCheck, type UpdateRecord } from '../../../shared/api/checklist';
import { formatBytes } from '../../../shared/format';

const esc = (text: string | null | undefined): string =>
  String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const WORD = { pass: 'Passed', warn: 'Warning', fail: 'Failed', skipped: 'Not run' } as const;
const STATUS = { preparing: 'Being prepared', updating: 'Updated, waiting for the checks after the update', finished: 'Finished', abandoned: 'Given up' } as const;

/** Times in UTC, spelled out: the report may be read in another time zone than it was written. */
function when(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—';
}

function checksTable(title: string, run: UpdateRecord['before'], acknowledged: Record<string, string> = {}): string {
  if (!run) return `<h2>${esc(title)}</h2><p>Not run.</p>`;
  const rows = run.checks
    .map((c: ChecklistCheck) => {
      const accepted = c.status === 'warn' && acknowledged[c.id] === c.message ? ' (accepted)' : '';
      return `<tr class="${c.status}"><td>${esc(c.label)}</td><td>${WORD[c.status]}${accepted}</td><td>${esc(c.message)}${c.hint && c.status !== 'pass' ? `<br><em>${esc(c.hint)}</em>` : ''}</td></tr>`;
    })
    .join('\n');
  return `<h2>${esc(title)}</h2><p>Run ${when(run.ranAt)}.</p><table><colgroup><col style="width:26%"><col style="width:10%"><col></colgroup><thead><tr><th>Check</th><th>Result</th><th>What it found</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function baselineSection(r: UpdateRecord): string {
  const b = r.baseline;
  if (!b) return '';
  const mongo = b.mongo
    ? `<p>MongoDB ${esc(b.mongo.version ?? '?')}, feature compatibility ${esc(b.mongo.featureCompatibilityVersion ?? '?')}, database “${esc(b.mongo.database)}”.</p>
<table><thead><tr><th>Collection</th><th>Documents</th><th>Size</th></tr></thead><tbody>${b.mongo.collections
        .map((c) => `<tr><td>${esc(c.name)}</td><td class="n">${c.documents.toLocaleString('en-US')}</td><td class="n">${esc(formatBytes(c.bytes))}</td></tr>`)
        .join('')}</tbody></table>`
    : '<p>The database was not recorded.</p>';
  const r2 = b.r2 ? `<p>Bucket “${esc(b.r2.bucket)}”: ${b.r2.objects.toLocaleString('en-US')} files, ${esc(formatBytes(b.r2.bytes))}.</p>` : '<p>The bucket was not recorded.</p>';
  const missing = b.consistency ? `<p>Files already missing before the update: ${b.consistency.missing.toLocaleString('en-US')}.</p>` : '';
  return `<h2>Before the update (baseline, ${when(b.takenAt)})</h2>${mongo}${r2}${missing}`;
}

export function reportFileName(r: UpdateRecord): string {
  const safe = r.profile.replace(/[^A-Za-z0-9._-]+/g, '-');
  return `update-${safe}-${r.createdAt.slice(0, 10)}.html`;
}

/** Every run of the after-checks and every rollback, in order (a later good run does not hide a bad one). */
function eventsSection(r: UpdateRecord): string {
  if (r.events.length === 0) return '';
  const rows = r.events
    .map((e) => `<tr class="event-${e.ok ? 'pass' : 'fail'}"><td>${when(e.at)}</td><td>${e.kind === 'rollback' ? 'Rollback' : 'Checks after the update'}</td><td>${e.ok ? (e.kind === 'rollback' ? 'Done' : 'Passed') : e.kind === 'rollback' ? 'Not done' : 'Failed'}</td><td>${esc(e.message)}${e.version ? ` (version ${esc(e.version)})` : ''}</td></tr>`)
    .join('\n');
  return `<h2>What happened after the update</h2><table><colgroup><col style="width:18%"><col style="width:22%"><col style="width:10%"><col></colgroup><thead><tr><th>When</th><th>What</th><th>Result</th><th>Details</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The update's result in one sentence, rollback and earlier failed checks included. */
export function outcomeText(r: UpdateRecord): string {
  const rollback = [...r.events].reverse().find((e) => e.kind === 'rollback');
  const failedBefore = r.events.some((e) => e.kind === 'after-checks' && !e.ok);
  if (rollback?.ok) return `Rolled back to before the update${failedBefore ? ' after the checks found problems' : ''}.${r.outcome === 'rolled-back' ? ' The checks after the rollback passed.' : r.outcome === 'problems' ? ' The checks after the rollback still found problems.' : ''}`;
  if (r.outcome === 'ok') return failedBefore ? 'Everything was as before the update (an earlier run of the checks found problems).' : 'Everything was as before the update.';
  if (r.outcome === 'problems') return `The checks after the update found problems.${rollback ? ' The rollback did not finish.' : ''}`;
  return 'The checks after the update have not been run.';
}

export function renderReport(r: UpdateRecord, generatedAt = new Date().toISOString()): string {
  const confirmations = CONFIRMATIONS.map((c) => `<li>${r.confirmations[c.id] ? '☑' : '☐'} ${esc(c.label)}</li>`).join('');
  const outcome = outcomeText(r);
  const status = r.status === 'finished' && r.events.some((e) => e.kind === 'rollback' && e.ok) ? 'Finished (rolled back)' : STATUS[r.status];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Update of ${esc(r.profile)}</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:2em;color:#111}h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #bbb;padding:.35em .5em;text-align:left;vertical-align:top}
td.n{text-align:right}tr.fail td:nth-child(2),tr.event-fail td:nth-child(3){color:#b00;font-weight:bold}tr.event-pass td:nth-child(3){color:#070}tr.warn td:nth-child(2){color:#a60}tr.pass td:nth-child(2){color:#070}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}dt{font-weight:bold}ul{list-style:none;padding:0}pre{white-space:pre-wrap;font:inherit}
@media print{body{margin:0}}
</style></head><body>
<h1>Update of PCI File Manager “${esc(r.profile)}”</h1>
<dl>
<dt>Status</dt><dd>${esc(status)}</dd>
<dt>Version</dt><dd>${esc(r.fromVersion ?? '?')} → ${esc(r.toVersion ?? '?')}</dd>
<dt>Started</dt><dd>${when(r.createdAt)}</dd>
<dt>Ready to update</dt><dd>${when(r.readyAt)}</dd>
<dt>Closed</dt><dd>${when(r.finishedAt)}</dd>
<dt>Restore point before the update</dt><dd>${esc(r.snapshotId ?? 'none')}</dd>
<dt>Result</dt><dd>${esc(outcome)}</dd>
</dl>
${checksTable('Checks before the update', r.before, r.acknowledged)}
<h2>Confirmed by the administrator</h2><ul>${confirmations}</ul>
${baselineSection(r)}
${checksTable(r.events.filter((e) => e.kind === 'after-checks').length > 1 ? 'Checks after the update (the last run)' : 'Checks after the update', r.after)}
${eventsSection(r)}
<h2>Notes</h2><pre>${esc(r.notes || '—')}</pre>
<p><small>Written by PCI Maintenance on ${when(generatedAt)}. Update record ${esc(r.id)}.</small></p>
</body></html>
`;
}
