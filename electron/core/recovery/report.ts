// The drill report: one printable HTML page (no scripts, no outside files) a person can hand to whoever
// asks "do we have tested backups?": the recovery figures against the targets, every recent drill with
// its parts and result, and the trend of the projected recovery time as a small inline chart.
import type { RecoveryHealth } from '../../../shared/api/health';
import type { DrillResult } from '../../../shared/api/drill';
import type { HistoryItem } from '../../../shared/api/core';
import { summaryOf } from '../../../shared/api/job-summaries';
import { formatBytes, formatDuration } from '../../../shared/format';

const esc = (text: string | null | undefined): string =>
  String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Times in UTC, spelled out: the report may be read in another time zone than it was written. */
const when = (iso: string | null): string => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—');

const LIGHT = { green: 'On target', amber: 'Needs attention', red: 'Off target' } as const;
const PART = { database: 'Database', files: 'Files (bucket)', folders: 'Configuration folders' } as const;
const OUTCOME: Partial<Record<HistoryItem['status'], string>> = { succeeded: 'Passed', problems: 'Found problems', failed: 'Could not run' };

export function drillReportFileName(profile: string, generatedAt: string): string {
  return `restore-drills-${profile.replace(/[^A-Za-z0-9._-]+/g, '-')}-${generatedAt.slice(0, 10)}.html`;
}

/** The projected recovery time of each drill that passed, oldest first, as bars (an inline SVG). */
function trendChart(drills: Array<{ at: string; result: DrillResult }>, rtoSeconds: number): string {
  if (drills.length < 2) return '<p>The trend appears after two drills.</p>';
  const w = 640;
  const h = 160;
  const max = Math.max(rtoSeconds, ...drills.map((d) => d.result.projectedSeconds));
  const bar = (w - 40) / drills.length;
  const y = (s: number) => h - 20 - ((h - 40) * s) / max;
  const bars = drills
    .map((d, i) => {
      const top = y(d.result.projectedSeconds);
      return `<rect x="${30 + i * bar + 2}" y="${top.toFixed(1)}" width="${Math.max(2, bar - 4).toFixed(1)}" height="${(h - 20 - top).toFixed(1)}" fill="#1c7ed6"><title>${esc(when(d.at))}: ${esc(formatDuration(d.result.projectedSeconds))}</title></rect>`;
    })
    .join('');
  const target = y(rtoSeconds).toFixed(1);
  return `<svg role="img" aria-label="Projected recovery time of each drill, with the target" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" xmlns="http://www.w3.org/2000/svg">
<line x1="30" y1="${h - 20}" x2="${w - 10}" y2="${h - 20}" stroke="#555"/>${bars}
<line x1="30" y1="${target}" x2="${w - 10}" y2="${target}" stroke="#c92a2a" stroke-dasharray="6 4"/><text x="34" y="${Number(target) - 4}" font-size="12" fill="#c92a2a">target ${esc(formatDuration(rtoSeconds))}</text>
<text x="30" y="${h - 4}" font-size="12">${esc(when(drills[0].at))}</text><text x="${w - 10}" y="${h - 4}" font-size="12" text-anchor="end">${esc(when(drills[drills.length - 1].at))}</text>
</svg>`;
}

export function renderDrillReport(input: { profile: string; recovery: RecoveryHealth; drills: HistoryItem[]; generatedAt?: string }): string {
  const r = input.recovery;
  const generatedAt = input.generatedAt ?? new Date().toISOString();
  const done = input.drills.map((item) => ({ item, result: summaryOf(item, 'drill') }));
  const rows = done
    .map(({ item, result }) => {
      const parts = result ? result.parts.map((p) => `${PART[p.part]}: ${p.writtenItems.toLocaleString('en-US')}${p.writtenItems < p.items ? ` of ${p.items.toLocaleString('en-US')}` : ''} ${p.part === 'database' ? 'documents' : 'files'} (${esc(formatBytes(p.writtenBytes))}) in ${esc(formatDuration(p.seconds))}`).join('<br>') : '—';
      const outcome = OUTCOME[item.status] ?? item.status;
      const why = item.error ? `<br><em>${esc(item.error.message)}</em>` : '';
      return `<tr class="${item.status}"><td>${esc(when(item.finishedAt ?? item.startedAt))}</td><td>${result ? esc(when(result.snapshotCreatedAt)) : '—'}</td><td>${parts}</td><td class="n">${result ? esc(formatDuration(result.projectedSeconds)) + (result.sampled ? ' (from a sample)' : '') : '—'}</td><td>${esc(outcome)}${why}</td></tr>`;
    })
    .join('\n');
  const passed = done
    .filter((d): d is { item: HistoryItem; result: DrillResult } => d.item.status === 'succeeded' && d.result !== null)
    .map((d) => ({ at: d.item.finishedAt ?? d.item.startedAt, result: d.result }))
    .reverse();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Restore drills of ${esc(input.profile)}</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:2em;color:#111}h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #bbb;padding:.35em .5em;text-align:left;vertical-align:top}
td.n{text-align:right}tr.failed td:last-child,tr.problems td:last-child{color:#b00;font-weight:bold}tr.succeeded td:last-child{color:#070}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}dt{font-weight:bold}
@media print{body{margin:0}}
</style></head><body>
<h1>Restore drills of “${esc(input.profile)}”</h1>
<dl>
<dt>Overall</dt><dd>${LIGHT[r.overall]}</dd>
<dt>Newest backup proven restorable</dt><dd>${r.provenRestorableAt ? `${when(r.provenRestorableAt)} (by a ${r.provenBy === 'drill' ? 'restore drill' : 'test restore'} on ${when(r.provenCheckedAt)})` : 'none yet'}</dd>
<dt>Changes that could be lost now</dt><dd>${r.lossSeconds === null ? 'everything (nothing is proven restorable)' : esc(formatDuration(r.lossSeconds))} — target at most ${esc(formatDuration(r.rpoSeconds))} (${LIGHT[r.rpo]})</dd>
<dt>Time of a full recovery</dt><dd>${r.recoverySeconds === null ? 'not measured yet' : `about ${esc(formatDuration(r.recoverySeconds))}${r.recoverySampled ? ' (projected from a sample)' : ''}`} — target ${esc(formatDuration(r.rtoSeconds))} (${LIGHT[r.rto]})</dd>
</dl>
${r.advice.length > 0 ? `<h2>What to do</h2><ul>${r.advice.map((a) => `<li>${esc(a.text)}</li>`).join('')}</ul>` : ''}
<h2>Projected recovery time, drill by drill</h2>
${trendChart(passed, r.rtoSeconds)}
<h2>Drills</h2>
${done.length === 0 ? '<p>No drill has run yet.</p>' : `<table><thead><tr><th>When</th><th>Restore point</th><th>What came back</th><th>Full recovery</th><th>Result</th></tr></thead><tbody>${rows}</tbody></table>`}
<p>A drill restores a backup into scratch collections and a scratch folder that touch nothing live, checks what came back (document hashes, file contents and checksums), measures the time and removes the scratch data again. Files are written to the computer's own disk; the upload back into the bucket is not part of the measured time.</p>
<p><small>Written by PCI Maintenance on ${when(generatedAt)}.</small></p>
</body></html>
`;
}
