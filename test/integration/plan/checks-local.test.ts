// The plan's checks of this computer against real things: a small tmpfs filled past the 10 % line for
// the disk check, log files with an error spike for the error-rate check, and CPU/memory sampling.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diskSpace } from '../../../electron/core/plan/checks/disk-space';
import { errorRate } from '../../../electron/core/plan/checks/error-rate';
import { resources } from '../../../electron/core/plan/checks/resources';
import { maintenanceSettingsFile } from '../../../electron/core/maintenance/tasks';
import { mountSupport, mountTmpfs, type TestMount } from '../../support/mounts';
import { tempDir, testEngine, type TestEngine } from '../../support/engine';
import { checkContext } from '../../support/plan';

const support = mountSupport();

describe.skipIf(!support.ok)(`disk space${support.ok ? '' : ` (skipped: ${support.reason})`}`, () => {
  let drive: TestMount;
  let other: TestMount;
  beforeAll(() => {
    drive = mountTmpfs(8);
    other = mountTmpfs(4);
  });
  afterAll(() => {
    drive?.teardown();
    other?.teardown();
  });

  it('ok with room; a warning naming the drive below 10 % free; critical below 3 %; one line per drive (folders on the same drive are reported once)', async () => {
    const backups = path.join(drive.dir, 'backups');
    fs.mkdirSync(backups);
    const elsewhere = other.dir;
    const folders = [
      { label: 'Data folder of PCI Maintenance', path: elsewhere },
      { label: 'Backup location', path: backups },
      { label: 'Configuration folder', path: path.join(drive.dir, 'config-missing') },
    ];
    const run = () => diskSpace.run(checkContext({ targets: { folders } }));
    const roomy = await run();
    expect(roomy.level, roomy.details.join('\n')).toBe('ok');
    expect(roomy.details.filter((d) => d.includes('free of'))).toHaveLength(2); // each test drive once

    // 8 MiB drive: leave about 6 % free, then almost nothing.
    fs.writeFileSync(path.join(drive.dir, 'fill-1'), Buffer.alloc(7.5 * 1024 * 1024));
    const low = await run();
    expect(low.level).toBe('warning');
    expect(low.summary).toMatch(/almost full/);
    expect(low.summary).toMatch(/backup location/);
    await drive.fill();
    expect((await run()).level).toBe('critical');
    await drive.unfill();
    fs.rmSync(path.join(drive.dir, 'fill-1'));
  });
});

describe('a missing backup drive', () => {
  it('is a warning, measured on the drive it would be on', async () => {
    const r = await diskSpace.run(checkContext({ targets: { folders: [{ label: 'Backup location', path: '/nonexistent-drive-for-pci-test/backups' }] } }));
    expect(r.level).toBe('warning');
    expect(r.details.join(' ')).toMatch(/is the drive connected/);
  });
});

describe('error rate in the app logs', () => {
  let engine: TestEngine;
  let logs: string;
  const now = Date.parse('2026-03-10T15:00:00Z');
  const day = (offset: number) => new Date(now - offset * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    engine = testEngine();
    logs = tempDir('pci-plan-logs-');
    await maintenanceSettingsFile(engine).change((d) => void (d.settings.logFolders.Office = logs));
  });
  afterAll(async () => {
    await engine.dispose();
    fs.rmSync(logs, { recursive: true, force: true });
  });

  function write(errorsToday: number): void {
    const lines: string[] = [];
    for (let d = 7; d >= 1; d--) for (let i = 0; i < 2; i++) lines.push(`${day(d)}T09:0${i}:00Z ERROR upload failed for file ${d}${i}`);
    for (let i = 0; i < errorsToday; i++) lines.push(`${day(0)}T10:${String(i % 60).padStart(2, '0')}:00Z ERROR database timeout after ${i} ms`);
    lines.push(`${day(0)}T11:00:00Z INFO all good`);
    fs.writeFileSync(path.join(logs, 'app.log'), lines.join('\n') + '\n');
  }

  const run = () => errorRate.run(checkContext({ services: engine, now: () => now, targets: { profile: 'Office' } }));

  it('a spike: today three times the daily average of the week before, and at least 10', async () => {
    write(25);
    const r = await run();
    expect(r.level).toBe('warning');
    expect(r.measured.errorsToday).toBe(25);
    expect(r.measured.dailyAverageBefore).toBe(2);
    expect(r.whatToDo).toContain('database timeout');
  });

  it('no spike at the usual rate', async () => {
    write(3);
    expect((await run()).level).toBe('ok');
  });

  it('not checked without a log folder', async () => {
    const r = await errorRate.run(checkContext({ services: engine, targets: { profile: 'Elsewhere' } }));
    expect(r.level).toBe('not-checked');
  });
});

describe('memory and processor', () => {
  it('a warning only when every sample is above 80 %; a short peak is information', async () => {
    const samples = (values: Array<[number, number]>) => {
      let i = 0;
      return async () => {
        const [cpu, memory] = values[i++ % values.length];
        return { cpu, memory };
      };
    };
    const run = (values: Array<[number, number]>) => resources.run(checkContext({ options: { resourceSamples: values.length, resourceSampler: samples(values) } }));
    expect((await run([[0.9, 0.3], [0.95, 0.3], [0.85, 0.3]])).level).toBe('warning');
    expect((await run([[0.2, 0.9], [0.2, 0.92], [0.2, 0.81]])).summary).toMatch(/memory is 88 % used/);
    expect((await run([[0.9, 0.3], [0.2, 0.3], [0.3, 0.3]])).level).toBe('info');
    expect((await run([[0.1, 0.3], [0.2, 0.3]])).level).toBe('ok');
  });

  it('measures this computer for real', async () => {
    const r = await resources.run(checkContext({ options: { resourceSamples: 2 } }));
    expect(r.measured.samples).toBe(2);
    for (const k of ['cpuAveragePercent', 'memoryAveragePercent']) {
      expect(r.measured[k] as number).toBeGreaterThanOrEqual(0);
      expect(r.measured[k] as number).toBeLessThanOrEqual(100);
    }
  });
});
