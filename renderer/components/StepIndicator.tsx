// The one step indicator of every wizard (Backup, Verify, Checklist, Restore, Connect, Support): the
// same size and look everywhere, the steps done ticked — the last one too, once it is reached. The
// steps are not buttons (the wizard moves with Back and Next), so they are plain text to assistive
// technology, each saying whether it is done or the current one.
import { Stepper, VisuallyHidden } from '@mantine/core';

export interface StepIndicatorProps {
  steps: string[];
  /** Index of the current step. */
  active: number;
  /** The wizard reached its end: every step, the last included, shows as done. */
  finished?: boolean;
  label: string;
}

const SPOKEN = { done: ' (done)', current: ' (current step)', next: '' } as const;

export function StepIndicator({ steps, active, finished = false, label }: StepIndicatorProps) {
  return (
    <Stepper active={finished ? steps.length : active} size="sm" iconSize={32} allowNextStepsSelect={false} role="group" aria-label={label} data-testid="steps">
      {steps.map((s, i) => {
        const state = finished || i < active ? 'done' : i === active ? 'current' : 'next';
        return (
          <Stepper.Step
            key={s}
            component="div"
            allowStepClick={false}
            data-state={state}
            aria-current={state === 'current' ? 'step' : undefined}
            label={
              <>
                {s}
                <VisuallyHidden>{SPOKEN[state]}</VisuallyHidden>
              </>
            }
          />
        );
      })}
    </Stepper>
  );
}
