// Run something once when a job reaches its final state (refresh the record, start the next job).
import { useEffect, useRef } from 'react';
import { isFinal, type Job } from '../../../shared/jobs';

export function useJobDone(job: Job | null, onDone: (job: Job) => void): void {
  const handled = useRef<string | null>(null);
  const callback = useRef(onDone);
  useEffect(() => {
    callback.current = onDone;
  });
  useEffect(() => {
    if (job && isFinal(job.status) && handled.current !== job.id) {
      handled.current = job.id;
      callback.current(job);
    }
  }, [job]);
}
