// Step 5: the backup running — its phases in order (done, now, to come), the current phase's items,
// bytes, speed and time left, and Cancel.
import { Button, Group, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { formatBytes } from '../../../shared/format';
import type { Job } from '../../../shared/jobs';
import { api } from '../../api';
import { JobProgressView } from '../../components/JobProgressView';
import { PhaseList } from '../../components/PhaseList';
import { useJobs } from '../../stores/jobs';
import { useProfiles } from '../../stores/profiles';
import { phasesOf } from './words';

const WINDOW_MS = 5000;

/** Bytes per second over the last few seconds of the current phase, sampled once a second. */
function useSpeed(jobId: string): number | null {
  const [speed, setSpeed] = useState<number | null>(null);
  useEffect(() => {
    let samples: Array<{ at: number; bytes: number; phase: string }> = [];
    const timer = setInterval(() => {
      const job = useJobs.getState().jobs[jobId];
      if (!job) return;
      const now = Date.now();
      const { phase, bytesDone } = job.progress;
      samples = [...samples.filter((s) => s.phase === phase && now - s.at <= WINDOW_MS), { at: now, bytes: bytesDone, phase }];
      const first = samples[0];
      setSpeed(now - first.at >= 1000 ? Math.max(0, ((bytesDone - first.bytes) * 1000) / (now - first.at)) : null);
    }, 1000);
    return () => clearInterval(timer);
  }, [jobId]);
  return speed;
}

export function RunStep({ job, profile }: { job: Job; profile: string | null }) {
  const folders = useProfiles((s) => s.profiles?.find((p) => p.profile.name === profile)?.profile.sources.filter((x) => x.kind === 'folder').length ?? 0);
  const speed = useSpeed(job.id);
  const phases = phasesOf(folders > 0);
  const current = phases.indexOf(job.progress.phase);
  return (
    <Stack gap="lg">
      <Text>You can keep working in the meantime; PCI File Manager can stay in use.</Text>
      <PhaseList phases={phases} current={current} label="Parts of the backup" />
      <JobProgressView job={job} />
      <Text c="dimmed" data-testid="speed">
        {speed !== null && job.status === 'running' ? `Speed: ${formatBytes(speed)}/s` : '\u00a0'}
      </Text>
      <Group>
        <Button variant="default" color="red" onClick={() => void api.jobs.cancel({ id: job.id })} disabled={job.status === 'canceling'}>
          Cancel the backup
        </Button>
      </Group>
    </Stack>
  );
}
