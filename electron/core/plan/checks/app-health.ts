// Does PCI File Manager answer at its health address, and how fast (the plans: slow above 2 s).
import { performance } from 'node:perf_hooks';
import { redact } from '../../../../shared/redact';
import { probeHealthUrl } from '../../checklist/app-probe';
import { result, type PlanCheck } from '../types';

export const SLOW_MS = 2000;

export const appHealth: PlanCheck = {
  id: 'app-health',
  title: 'The app answers',
  description: "Asks PCI File Manager's health address whether the app is up, and how long it takes to answer (slow above 2 seconds).",
  frequency: 'daily',
  route: '/settings',
  async run(ctx) {
    const url = ctx.targets.healthUrl;
    if (!url) {
      return result(this, ctx, 'not-checked', 'No health address is set for this connection, so the app cannot be asked.', {
        whatToDo: "Enter PCI File Manager's health address (for example https://files.example.com/health) in the connection's settings.",
      });
    }
    const shown = redact(url);
    const started = performance.now();
    const answer = await probeHealthUrl(url, { timeoutMs: ctx.options.timeoutMs ?? 10_000, signal: ctx.signal });
    const ms = Math.round(performance.now() - started);
    const measured = { responseMs: answer.status === null ? null : ms, httpStatus: answer.status };
    if (!answer.ok) {
      return result(this, ctx, 'critical', `The app does not answer at ${shown}: ${answer.problem}.`, {
        measured,
        whatToDo: 'Check that the PCI File Manager server is running and reachable (restart it if needed), then run this check again.',
      });
    }
    const seconds = (ms / 1000).toFixed(1);
    if (ms > SLOW_MS) {
      return result(this, ctx, 'warning', `The app answered, but slowly: ${seconds} s (more than ${SLOW_MS / 1000} s).`, {
        measured,
        whatToDo: 'Look at the server: is it short of memory or disk, or busy with something else? If it stays slow, tell whoever looks after it.',
      });
    }
    return result(this, ctx, 'ok', `The app answered in ${seconds} s.`, { measured });
  },
};
