// A job's outcome as a badge, the same on every page: green "Succeeded", amber "Found problems" (ran
// fine, found something wrong), red "Failed" (could not run), grey for cancelled or waiting.
import { Badge, type BadgeProps } from '@mantine/core';
import { STATUS_WORDS, type JobStatus } from '../../shared/jobs';

/** Text about findings (amber): dark enough on white for WCAG AA (5.5:1), light enough on the dark scheme. */
export const PROBLEMS_TEXT = 'light-dark(#b34700, var(--mantine-color-orange-4))';

export const STATUS_COLOR: Record<JobStatus, string> = { running: 'blue', canceling: 'orange', canceled: 'gray', succeeded: 'green', problems: 'yellow', failed: 'red' };

export function StatusBadge({ status, ...props }: { status: JobStatus } & Omit<BadgeProps, 'color' | 'children'>) {
  return (
    // White text: the theme darkens every filled colour until white on it meets WCAG AA (theme.ts),
    // the amber too. The words never shrink to "FOUND P…" in a narrow table column.
    <Badge color={STATUS_COLOR[status]} data-status={status} styles={{ root: { flexShrink: 0, overflow: 'visible' }, label: { overflow: 'visible' } }} {...props}>
      {STATUS_WORDS[status]}
    </Badge>
  );
}
