// Numbers in words people read: sizes, durations, times left. Pure.

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  if (i === 0) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[i]}`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60 ? `${s % 60} s` : ''}`.trim();
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60 ? `${m % 60} min` : ''}`.trim();
}

export function formatTimeLeft(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return 'Estimating time left…';
  // Not "Almost done": the estimate is for the current part, which may end at 36 % of the whole.
  if (seconds < 5) return 'A few seconds left';
  return `About ${formatDuration(seconds)} left`;
}

export function formatDateTime(iso: string | null | undefined, locale?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The time of day only (for log lines under a heading that gives the date), in local time. */
export function formatTime(iso: string | null | undefined, locale?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleTimeString(locale, { timeStyle: 'medium' });
}

/** ISO 8601 timestamps as core writes them (2026-12-03T15:09:19.123Z, 2026-12-03T15:09:19+01:00). */
const ISO_TIMESTAMP = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b/g;

/**
 * A message from core with every timestamp in it written the way the rest of the app writes dates
 * (formatDateTime), so a person never reads a raw "2026-12-03T15:09:19.123Z" while a job runs.
 */
export function formatDatesIn(text: string, locale?: string): string;
export function formatDatesIn(text: string | null | undefined, locale?: string): string | null | undefined;
export function formatDatesIn(text: string | null | undefined, locale?: string): string | null | undefined {
  if (!text) return text;
  return text.replace(ISO_TIMESTAMP, (iso) => {
    const formatted = formatDateTime(iso, locale);
    return formatted === '—' ? iso : formatted;
  });
}

/** "3 days ago", "2 hours ago", "just now". */
export function ago(iso: string, now = Date.now()): string {
  const s = Math.max(0, (now - Date.parse(iso)) / 1000);
  const units: Array<[number, string]> = [
    [86_400 * 365, 'year'],
    [86_400 * 30, 'month'],
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    const v = Math.floor(s / size);
    if (v >= 1) return `${v} ${name}${v === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}
