// Step 6: the restore running — every phase in order (done, now, still to come), the current
// phase's items, bytes and time left, and Cancel (each collection stays either as it was or fully
// restored; the switch itself is never cut in half).
import { Stack, Text } from '@mantine/core';
import { RESTORE_PHASES, type RestorePlan } from '../../../shared/contract';
import type { Job } from '../../../shared/jobs';
import { api } from '../../api';
import { JobProgressView } from '../../components/JobProgressView';
import { PhaseList } from '../../components/PhaseList';

/** The phases this plan goes through, in order. */
export function phasesOf(plan: RestorePlan, removeExtra: boolean): string[] {
  const p = RESTORE_PHASES;
  return [
    p.check,
    ...(plan.database ? [p.database] : []),
    ...(plan.bucket ? [p.bucket] : []),
    ...(plan.database ? [p.switch] : []),
    ...(plan.bucket && removeExtra && plan.bucket.extra.count > 0 ? [p.remove] : []),
    ...(plan.folders ? [p.folders] : []),
    p.verify,
  ];
}

export function RunStep({ job, plan, removeExtra }: { job: Job; plan: RestorePlan; removeExtra: boolean }) {
  const phases = phasesOf(plan, removeExtra);
  const current = phases.indexOf(job.progress.phase);
  return (
    <Stack gap="lg">
      <Text>Please wait. Keep PCI File Manager stopped until this has finished.</Text>
      <PhaseList phases={phases} current={current} label="Phases of the rollback" />
      <JobProgressView job={job} onCancel={() => void api.jobs.cancel({ id: job.id })} />
    </Stack>
  );
}
