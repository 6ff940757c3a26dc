// Memory and CPU of this computer, sampled for a few seconds (the plans: high above 80 %): only a
// load that stays high through every sample counts as sustained; a short peak is just mentioned.
import os from 'node:os';
import { result, sleep, type PlanCheck, type ResourceSampler } from '../types';

export const HIGH_PERCENT = 80;

function cpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const c of os.cpus()) {
    idle += c.times.idle;
    total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
  }
  return { idle, total };
}

/** The real sampler: busy CPU share over one second, and memory in use (total minus what is available). */
export function systemSampler(intervalMs = 1000, signal?: AbortSignal): ResourceSampler {
  return async () => {
    const a = cpuTimes();
    await sleep(intervalMs, signal);
    const b = cpuTimes();
    const total = b.total - a.total;
    return { cpu: total > 0 ? 1 - (b.idle - a.idle) / total : 0, memory: 1 - os.freemem() / os.totalmem() };
  };
}

export const resources: PlanCheck = {
  id: 'resources',
  title: 'Memory and processor of this computer',
  description: 'Samples the processor and memory use of this computer for a few seconds (high when it stays above 80 %).',
  frequency: 'daily',
  route: null,
  async run(ctx) {
    const n = ctx.options.resourceSamples ?? 5;
    const sample = ctx.options.resourceSampler ?? systemSampler(1000, ctx.signal);
    const cpu: number[] = [];
    const memory: number[] = [];
    for (let i = 0; i < n; i++) {
      ctx.signal.throwIfAborted();
      const s = await sample();
      cpu.push(s.cpu * 100);
      memory.push(s.memory * 100);
    }
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const round = (x: number) => Math.round(x * 10) / 10;
    const measured = { cpuAveragePercent: round(avg(cpu)), cpuLowestPercent: round(Math.min(...cpu)), memoryAveragePercent: round(avg(memory)), memoryLowestPercent: round(Math.min(...memory)), samples: n };
    const cpuHigh = Math.min(...cpu) > HIGH_PERCENT;
    const memHigh = Math.min(...memory) > HIGH_PERCENT;
    const details = [`Processor: ${cpu.map((c) => `${c.toFixed(0)} %`).join(', ')}.`, `Memory in use: ${memory.map((m) => `${m.toFixed(0)} %`).join(', ')}.`];
    if (cpuHigh || memHigh) {
      const what = [cpuHigh ? `the processor is busy (${measured.cpuAveragePercent.toFixed(0)} % on average)` : '', memHigh ? `memory is ${measured.memoryAveragePercent.toFixed(0)} % used` : ''].filter(Boolean).join(' and ');
      return result(this, ctx, 'warning', `This computer is under load: ${what}, above ${HIGH_PERCENT} % all through the ${n} samples.`, {
        measured,
        details,
        whatToDo: 'See which programs use the most (Task Manager, Activity Monitor or top); close what is not needed, or plan more memory for this computer.',
      });
    }
    if (Math.max(...cpu) > HIGH_PERCENT || Math.max(...memory) > HIGH_PERCENT) {
      return result(this, ctx, 'info', `Use went above ${HIGH_PERCENT} % for a moment but did not stay there (processor ${measured.cpuAveragePercent.toFixed(0)} %, memory ${measured.memoryAveragePercent.toFixed(0)} % on average).`, { measured, details });
    }
    return result(this, ctx, 'ok', `Processor ${measured.cpuAveragePercent.toFixed(0)} % and memory ${measured.memoryAveragePercent.toFixed(0)} % in use on average.`, { measured, details });
  },
};
