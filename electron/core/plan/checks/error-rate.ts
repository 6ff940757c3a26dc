// Errors in PCI File Manager's own logs, today against the days before (the log analyzer): a spike is
// today's errors at three times the daily average of the previous week, and at least 10.
import { analyzeLogFolder } from '../../maintenance/log-analyzer';
import { maintenanceSettingsFile } from '../../maintenance/tasks';
import { result, type PlanCheck } from '../types';

export const SPIKE_FACTOR = 3;
export const SPIKE_MIN_ERRORS = 10;

export const errorRate: PlanCheck = {
  id: 'error-rate',
  title: 'Errors in the app’s logs',
  description: "Counts the errors in PCI File Manager's log folder and compares today with the previous 7 days (a spike is 3 times the usual number).",
  frequency: 'daily',
  route: '/maintenance',
  async run(ctx) {
    const folder = maintenanceSettingsFile(ctx.services).read().settings.logFolders[ctx.targets.profile];
    if (!folder) {
      return result(this, ctx, 'not-checked', "No log folder of PCI File Manager is set for this connection, so its errors cannot be counted.", {
        whatToDo: 'Enter the folder where PCI File Manager writes its logs on the Maintenance page.',
      });
    }
    const a = await analyzeLogFolder(folder, { days: 8, now: ctx.now(), signal: ctx.signal });
    const today = a.days[a.days.length - 1] ?? { date: '', errors: 0, warnings: 0 };
    const before = a.days.slice(0, -1);
    const average = before.length ? before.reduce((n, d) => n + d.errors, 0) / before.length : 0;
    const top = a.top.find((t) => t.level === 'error');
    const measured = { errorsToday: today.errors, warningsToday: today.warnings, dailyAverageBefore: Math.round(average * 10) / 10, files: a.files, topError: top?.message ?? null };
    const details = [...a.days.map((d) => `${d.date}: ${d.errors} errors, ${d.warnings} warnings`), ...(top ? [`Most frequent error (${top.count}×): ${top.message}`] : [])];
    if (a.files === 0) return result(this, ctx, 'info', `No log files of the last 8 days were found in ${folder}.`, { measured, whatToDo: 'Check that this is the folder PCI File Manager writes its logs to.' });
    if (today.errors >= SPIKE_MIN_ERRORS && today.errors >= SPIKE_FACTOR * Math.max(average, 1)) {
      return result(this, ctx, 'warning', `Many more errors than usual today: ${today.errors}, against ${average.toFixed(1)} a day before.`, {
        measured,
        details,
        whatToDo: `Open the log analysis on the Maintenance page to see which errors; ${top ? `the most frequent is “${top.message}”. ` : ''}If the app misbehaves, tell whoever looks after it.`,
      });
    }
    return result(this, ctx, 'ok', `${today.errors} error${today.errors === 1 ? '' : 's'} today, ${average.toFixed(1)} a day before: nothing unusual.`, { measured, details });
  },
};
