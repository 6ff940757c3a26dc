// System facts for a support bundle: operating system, versions, memory, and the free space of the
// drives that matter (data folder, temporary files, backup folders, configuration folders).
import os from 'node:os';
import type { Services } from '../services';
import { driveSpace, relevantFolders } from '../checklist/space';

export async function systemInfo(engine: Services): Promise<Record<string, unknown>> {
  const cpus = os.cpus();
  const drives = await driveSpace(relevantFolders(engine, engine.profiles.list()));
  return {
    generatedAt: new Date().toISOString(),
    app: engine.info,
    os: { type: os.type(), release: os.release(), version: os.version(), platform: process.platform, arch: process.arch, hostname: os.hostname() },
    versions: process.versions,
    cpu: { count: cpus.length, model: cpus[0]?.model ?? null },
    memory: { totalBytes: os.totalmem(), freeBytes: os.freemem(), processRssBytes: process.memoryUsage().rss },
    uptimeSeconds: Math.round(os.uptime()),
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    drives: drives.map((d) => ({ folder: d.label, usedFor: d.roles, freeBytes: d.freeBytes, totalBytes: d.totalBytes, freePercent: Math.floor((d.freeBytes / d.totalBytes) * 100) })),
  };
}
