// A one-line progress bar for long CLI commands on a terminal: phase, bar, amounts and time left,
// redrawn in place with '\r'. Off a terminal (cron, pipes) nothing is drawn, so logs stay clean.
import type { JobProgress } from '../../shared/jobs';
import { formatBytes, formatTimeLeft } from '../../shared/format';

const BAR = 24;

export function progressText(p: JobProgress, columns = 100): string {
  const [done, total] = p.bytesTotal ? [p.bytesDone, p.bytesTotal] : [p.done, p.total];
  const parts = [p.phase];
  if (total) {
    const ratio = Math.min(1, done / total);
    const filled = Math.round(ratio * BAR);
    parts.push(`[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${Math.floor(ratio * 100)}%`);
  }
  if (p.bytesTotal) parts.push(`${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}`);
  else if (p.bytesDone > 0) parts.push(formatBytes(p.bytesDone));
  if (p.total) parts.push(`${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} ${p.unit}`);
  else if (p.done > 0) parts.push(`${p.done.toLocaleString('en-US')} ${p.unit}`);
  if (total) parts.push(formatTimeLeft(p.etaSeconds));
  const text = parts.join('  ');
  return text.length > columns - 1 ? `${text.slice(0, columns - 2)}…` : text;
}

export class ProgressLine {
  private width = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  get enabled(): boolean {
    return Boolean(this.stream.isTTY);
  }

  update(p: JobProgress): void {
    if (!this.enabled) return;
    const text = progressText(p, this.stream.columns || 100);
    this.stream.write(`\r${text.padEnd(this.width)}`);
    this.width = text.length;
  }

  /** Clear the line, so the final message starts on a clean one. */
  clear(): void {
    if (!this.enabled || this.width === 0) return;
    this.stream.write(`\r${' '.repeat(this.width)}\r`);
    this.width = 0;
  }
}
