// The one step indicator of every wizard (Backup, Verify, Checklist, Restore, Connect, Support): the
// same size and look everywhere, the steps done ticked — the last one too, once it is reached.
import { Stepper } from '@mantine/core';

export interface StepIndicatorProps {
  steps: string[];
  /** Index of the current step. */
  active: number;
  /** The wizard reached its end: every step, the last included, shows as done. */
  finished?: boolean;
  label: string;
}

export function StepIndicator({ steps, active, finished = false, label }: StepIndicatorProps) {
  return (
    <Stepper active={finished ? steps.length : active} size="sm" iconSize={32} allowNextStepsSelect={false} aria-label={label} data-testid="steps">
      {steps.map((s, i) => (
        <Stepper.Step key={s} label={s} data-state={finished || i < active ? 'done' : i === active ? 'current' : 'next'} aria-current={!finished && i === active ? 'step' : undefined} />
      ))}
    </Stepper>
  );
}
