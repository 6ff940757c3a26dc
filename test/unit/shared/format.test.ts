// Dates in the words of the app: one formatter for dates and times, and core's messages with their
// raw ISO timestamps rewritten by it.
import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDatesIn, formatTime } from '../../../shared/format';

describe('dates', () => {
  const iso = '2026-12-03T15:09:19.123Z';

  it('rewrites every ISO timestamp in a message with the one date format', () => {
    const text = `Backing up incrementally against the restore point of ${iso}; the one before is 2026-11-30T02:00:00Z.`;
    const out = formatDatesIn(text, 'en-GB');
    expect(out).toBe(`Backing up incrementally against the restore point of ${formatDateTime(iso, 'en-GB')}; the one before is ${formatDateTime('2026-11-30T02:00:00Z', 'en-GB')}.`);
    expect(out).not.toMatch(/\dT\d/);
  });

  it('leaves text without timestamps, dates without a time and empty values as they are', () => {
    expect(formatDatesIn('No file is missing.')).toBe('No file is missing.');
    expect(formatDatesIn('made on 2026-12-03')).toBe('made on 2026-12-03');
    expect(formatDatesIn('')).toBe('');
    expect(formatDatesIn(null)).toBeNull();
  });

  it('keeps a timestamp it cannot read rather than losing it', () => {
    expect(formatDatesIn('at 2026-13-45T99:99:99Z')).toBe('at 2026-13-45T99:99:99Z');
  });

  it('writes times of day in local time, not the UTC slice of the string', () => {
    expect(formatTime(iso, 'en-GB')).toBe(new Date(iso).toLocaleTimeString('en-GB', { timeStyle: 'medium' }));
    expect(formatTime('not a date')).toBe('—');
  });
});
