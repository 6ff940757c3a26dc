// Time-left estimate from the rate since the phase started; bytes win over items when known.
import type { JobProgress } from '../../../shared/jobs';

export class EtaEstimator {
  private startedAt: number;
  constructor(private readonly now: () => number) {
    this.startedAt = now();
  }

  reset(): void {
    this.startedAt = this.now();
  }

  estimate(p: JobProgress): number | null {
    const elapsed = (this.now() - this.startedAt) / 1000;
    // Too early for a rate that means anything.
    if (elapsed < 1) return null;
    const [done, total] = p.bytesTotal ? [p.bytesDone, p.bytesTotal] : [p.done, p.total];
    if (!total || done <= 0) return null;
    const remaining = Math.max(0, total - done);
    return Math.round(remaining / (done / elapsed));
  }
}
