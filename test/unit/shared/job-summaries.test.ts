// summaryOf: a job's summary typed by its kind, and checked, so no reader takes a shape on trust.
import { describe, expect, it } from 'vitest';
import { summaryOf } from '../../../shared/api/job-summaries';

const prune = { dryRun: true, aborted: false, location: '/backups', keep: [], forget: [], others: 0, deleteBlobs: 0, keptBlobs: 3, freedBytes: 0 };

describe('summaryOf', () => {
  it('gives the summary of a job of that kind', () => {
    expect(summaryOf({ kind: 'prune', summary: prune }, 'prune')).toEqual(prune);
  });
  it('is null for another kind, no summary yet, or a summary of another shape', () => {
    expect(summaryOf({ kind: 'backup', summary: prune }, 'prune')).toBeNull();
    expect(summaryOf({ kind: 'prune', summary: null }, 'prune')).toBeNull();
    expect(summaryOf(undefined, 'prune')).toBeNull();
    expect(summaryOf({ kind: 'prune', summary: { ...prune, freedBytes: 'lots' } }, 'prune')).toBeNull();
  });
});
