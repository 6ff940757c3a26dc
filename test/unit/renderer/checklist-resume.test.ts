// The pre-update checklist opens where the person left it, from what the saved record holds.
import { describe, expect, it } from 'vitest';
import { resumeStep } from '../../../renderer/wizards/checklist/resume';

const run = { ranAt: '2026-12-03T10:00:00Z', checks: [] } as never;
const base = { readyAt: null, before: null, fromVersion: null, confirmations: {} };

describe('resumeStep', () => {
  it('starts at Versions for a new update', () => expect(resumeStep(base)).toBe(0));
  it('goes to the checks once the versions are saved or the checks ran', () => {
    expect(resumeStep({ ...base, fromVersion: '2.3.0' })).toBe(1);
    expect(resumeStep({ ...base, before: run })).toBe(1);
  });
  it('goes to the confirmations once one is ticked after the checks', () => {
    expect(resumeStep({ ...base, before: run, confirmations: { stopped: true } as never })).toBe(2);
    // A tick without checks that ran does not skip them.
    expect(resumeStep({ ...base, fromVersion: '2.3.0', confirmations: { stopped: true } as never })).toBe(1);
  });
  it('shows "Ready to update" once declared ready', () => expect(resumeStep({ ...base, before: run, readyAt: '2026-12-03T11:00:00Z' })).toBe(3));
});
