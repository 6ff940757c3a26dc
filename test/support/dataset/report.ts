// A human-readable account of a seeded dataset (for the CLI and the demo).
import type { DatasetSummary } from './index';

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

export function describeSummary(s: DatasetSummary): string {
  const colls = Object.entries(s.collections).map(([name, n]) => `${name} ${n}`).join(', ');
  const a = s.anomalies;
  const list = (title: string, keys: string[]): string => `  ${title} (${keys.length}):${keys.map((k) => `\n    ${k}`).join('')}`;
  return [
    `PCI File Manager dataset — seed ${s.seed}, scale ${s.scale}`,
    `  MongoDB database "${s.database}": ${colls}; view activeFiles ${s.views.activeFiles}`,
    `  Bucket "${s.bucket}": ${s.objects.count} objects, ${mib(s.objects.bytes)}`,
    `  File records: ${s.fileRecords.collection}.${s.fileRecords.keyField} is the object key, ${s.fileRecords.collection}.${s.fileRecords.sizeField} its size`,
    'Deliberate inconsistencies (for the consistency check):',
    list('objects no record points to', a.orphanObjects),
    list('records whose object is missing', a.missingObjects),
    list('soft-deleted records whose object still exists', a.softDeletedWithObject),
    list('records whose size differs from the object', a.sizeMismatches),
  ].join('\n');
}
