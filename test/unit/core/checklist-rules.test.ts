// The checklist's pure rules: when "Ready to update" is allowed, and the printable report escaping
// whatever a person typed (notes, versions) so a report never runs anything.
import { describe, expect, it } from 'vitest';
import { CONFIRMATIONS, readiness, type ChecklistCheck, type UpdateRecord } from '../../../shared/api/checklist';
import { renderReport } from '../../../electron/core/checklist/report';

const check = (id: string, status: ChecklistCheck['status'], message = `${id} says so`): ChecklistCheck => ({ id, label: id, status, message, hint: 'do this', action: null });
const allConfirmed = Object.fromEntries(CONFIRMATIONS.map((c) => [c.id, true]));
const now = Date.parse('2026-01-02T12:00:00Z');

describe('readiness', () => {
  it('asks for the checks, every confirmation, and each warning to be accepted', () => {
    expect(readiness({ before: null, confirmations: {}, acknowledged: {} }, now).blockers[0]).toBe('Run the checks.');
    const before = { ranAt: '2026-01-02T11:00:00Z', checks: [check('backup', 'pass'), check('disks', 'warn'), check('quiet', 'skipped')] };
    const r = readiness({ before, confirmations: { stopped: true }, acknowledged: {} }, now);
    expect(r.ready).toBe(false);
    expect(r.blockers).toContain('Read and accept the warning “disks”.');
    expect(r.blockers.filter((b) => b.startsWith('Confirm:'))).toHaveLength(CONFIRMATIONS.length - 1);
    expect(readiness({ before, confirmations: allConfirmed, acknowledged: { disks: 'disks says so' } }, now)).toEqual({ ready: true, blockers: [] });
    // A warning that changed since it was accepted asks again.
    expect(readiness({ before, confirmations: allConfirmed, acknowledged: { disks: 'an older message' } }, now).ready).toBe(false);
  });

  it('refuses failed checks and checks older than a day', () => {
    const failed = { ranAt: '2026-01-02T11:00:00Z', checks: [check('backup', 'fail')] };
    expect(readiness({ before: failed, confirmations: allConfirmed, acknowledged: {} }, now).blockers).toEqual(['“backup” did not pass. do this']);
    const old = { ranAt: '2025-12-31T11:00:00Z', checks: [check('backup', 'pass')] };
    expect(readiness({ before: old, confirmations: allConfirmed, acknowledged: {} }, now).blockers).toEqual(['The checks are more than a day old: run them again.']);
  });
});

describe('update report', () => {
  it('escapes what people typed', () => {
    const record: UpdateRecord = {
      id: 'r1', profile: 'Office', status: 'finished', fromVersion: '2.3.0', toVersion: '<b>2.4</b>', snapshotId: null,
      createdAt: '2026-01-02T10:00:00Z', readyAt: null, finishedAt: null, before: null, baseline: null, after: null,
      confirmations: {}, acknowledged: {}, events: [], notes: '<script>alert(1)</script> & more', outcome: null,
    };
    const html = renderReport(record);
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(html).toContain('2.3.0 → &lt;b&gt;2.4&lt;/b&gt;');
  });
});
