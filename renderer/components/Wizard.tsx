// The reusable wizard: numbered steps, Back / Next / Cancel, per-step checks before moving on, a
// running step that shows a job's progress (with Cancel), and a result step.
import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useRef, useState, type ReactNode } from 'react';
import type { Job } from '../../shared/jobs';
import { isFinal } from '../../shared/jobs';
import type { UserErrorData } from '../../shared/errors';
import { api, errorData } from '../api';
import { useJobs } from '../stores/jobs';
import { ErrorAlert } from './ErrorAlert';
import { JobProgressView } from './JobProgressView';
import { ConfirmLeave } from './ConfirmLeave';
import { StepIndicator } from './StepIndicator';
import { useFocusOnChange } from './focus';

export type WizardStep =
  | {
      kind: 'form';
      id: string;
      label: string;
      render: () => ReactNode;
      /** Return a message to stay on this step, or null to move on. */
      validate?: () => string | null | Promise<string | null>;
      nextLabel?: string;
    }
  | {
      kind: 'run';
      id: string;
      label: string;
      start: () => Promise<Job>;
      /** What the running job looks like; JobProgressView with Cancel unless given. */
      render?: (job: Job) => ReactNode;
    }
  | { kind: 'result'; id: string; label: string; render: (job: Job | null) => ReactNode };

export interface WizardProps {
  title: string;
  steps: WizardStep[];
  onCancel: () => void;
  onDone: (job: Job | null) => void;
  /** Where the wizard opens (a wizard whose progress is saved resumes at its step). */
  initialStep?: number;
  /** The Cancel button's words; "Cancel" unless given. */
  cancelLabel?: string;
  /**
   * Ask before Cancel drops what was entered (true by default, once past the first step); false
   * where every step is saved as it goes and leaving loses nothing.
   */
  confirmCancel?: boolean;
}

export function Wizard({ title, steps, onCancel, onDone, initialStep = 0, cancelLabel = 'Cancel', confirmCancel = true }: WizardProps) {
  const [active, setActive] = useState(Math.min(Math.max(0, initialStep), steps.length - 1));
  const [leaving, setLeaving] = useState(false);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [startError, setStartError] = useState<UserErrorData | null>(null);
  const [busy, setBusy] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useJobs((s) => (jobId ? (s.jobs[jobId] ?? null) : null));
  const resultIndex = steps.findIndex((s) => s.kind === 'result');
  // When the job ends, the wizard shows the result by itself.
  const finished = steps[active].kind === 'run' && job !== null && isFinal(job.status);
  const current = finished && resultIndex > active ? resultIndex : active;
  const step = steps[current];
  // The step's heading takes the focus when the wizard moves on (and when the result appears).
  const heading = useRef<HTMLHeadingElement>(null);
  useFocusOnChange(heading, current);

  async function next() {
    setInvalid(null);
    setStartError(null);
    if (step.kind === 'form' && step.validate) {
      setBusy(true);
      const problem = await step.validate();
      setBusy(false);
      if (problem) return setInvalid(problem);
    }
    const following = steps[active + 1];
    if (following?.kind === 'run') {
      setBusy(true);
      try {
        const started = await following.start();
        useJobs.getState().upsert(started);
        setJobId(started.id);
        setActive(active + 1);
      } catch (err) {
        setStartError(errorData(err));
      } finally {
        setBusy(false);
      }
      return;
    }
    setActive(Math.min(active + 1, steps.length - 1));
  }

  function cancel() {
    if (confirmCancel && active > 0) setLeaving(true);
    else onCancel();
  }

  function back() {
    setInvalid(null);
    setStartError(null);
    setActive(Math.max(0, active - 1));
  }

  return (
    <Stack gap="lg" maw={900}>
      <Title order={1}>{title}</Title>
      <StepIndicator steps={steps.map((s) => s.label)} active={current} finished={step.kind === 'result'} label={`${title} steps`} />
      <Paper withBorder radius="md" p="xl">
        <Stack gap="md">
          <Title order={2} size="h3" ref={heading}>
            {step.label}
          </Title>
          {/* Typing or pressing a button again answers "please check this step": the old message would only mislead. */}
          {step.kind === 'form' ? <div onInput={() => setInvalid(null)} onClick={() => setInvalid(null)}>{step.render()}</div> : null}
          {step.kind === 'run' ? job ? (step.render?.(job) ?? <JobProgressView job={job} onCancel={() => void api.jobs.cancel({ id: job.id })} />) : <Text>Starting…</Text> : null}
          {step.kind === 'result' ? step.render(job) : null}
          {invalid ? (
            <Alert color="orange" role="alert" title="Please check this step">
              {invalid}
            </Alert>
          ) : null}
          {startError ? <ErrorAlert error={startError} /> : null}
        </Stack>
      </Paper>
      <Group justify="space-between">
        {step.kind === 'form' ? (
          <Button variant="subtle" color="gray" onClick={cancel} size="md">
            {cancelLabel}
          </Button>
        ) : (
          <span />
        )}
        <Group>
          {step.kind === 'form' && active > 0 ? (
            <Button variant="default" onClick={back} size="md">
              Back
            </Button>
          ) : null}
          {step.kind === 'form' ? (
            <Button onClick={() => void next()} loading={busy} size="md">
              {step.nextLabel ?? 'Next'}
            </Button>
          ) : null}
          {step.kind === 'result' ? (
            <Button onClick={() => onDone(job)} size="md">
              Done
            </Button>
          ) : null}
        </Group>
      </Group>
      <ConfirmLeave opened={leaving} onStay={() => setLeaving(false)} onLeave={onCancel} />
    </Stack>
  );
}
