// The support bundle: one zip with logs, history and diagnostics for whoever helps, every secret
// removed. Prepared as a job (collected and redacted into a private folder), previewed as a tree with
// sizes, then built as a zip of what the person kept ticked, and saved (download or save dialog).
import { z } from 'zod';
import { Job } from '../jobs';
import { method } from './method';

const BundleId = z.string().regex(/^[0-9a-f]{16,32}$/);

export const BundleItem = z.object({
  /** Where it sits in the zip (`logs/main.log`). */
  path: z.string(),
  /** What it is, in words. */
  label: z.string(),
  bytes: z.number().int().nonnegative(),
  /** Always included (the manifest, the list of warnings, the read-me): cannot be unticked. */
  required: z.boolean(),
});
export type BundleItem = z.infer<typeof BundleItem>;

export const RedactionSummary = z.object({
  /** How many different secrets were searched for by exact match (their values are never shown). */
  secretsSearched: z.number().int(),
  /** Replacements: known secrets, secret-shaped text (passwords in addresses, keys, headers), file names. */
  secrets: z.number().int(),
  patterns: z.number().int(),
  names: z.number().int(),
  namesIncluded: z.boolean(),
});
export type RedactionSummary = z.infer<typeof RedactionSummary>;

export const BundlePreview = z.object({
  id: BundleId,
  createdAt: z.string(),
  includeNames: z.boolean(),
  items: z.array(BundleItem),
  /** What could not be collected, and why. */
  warnings: z.array(z.string()),
  redaction: RedactionSummary,
});
export type BundlePreview = z.infer<typeof BundlePreview>;

export const BundleFile = z.object({
  id: BundleId,
  fileName: z.string(),
  bytes: z.number().int(),
  files: z.number().int(),
  /** Browser mode: where the finished zip is downloaded from (same token check as the API). */
  downloadUrl: z.string(),
});
export type BundleFile = z.infer<typeof BundleFile>;

export const bundleMethods = {
  'bundle.prepare': method(
    z.object({ includeNames: z.boolean().default(false) }).strict(),
    Job,
    'Collect logs, history and diagnostics with secrets removed (a job); its summary is the preview.',
  ),
  'bundle.preview': method(z.object({ id: BundleId }).strict(), BundlePreview, 'What a prepared bundle holds, with sizes.'),
  'bundle.build': method(
    z.object({ id: BundleId, exclude: z.array(z.string().max(500)).max(500).default([]) }).strict(),
    BundleFile,
    'Make the zip of a prepared bundle, leaving out the files named in `exclude`.',
  ),
  'bundle.saveAs': method(
    z.object({ id: BundleId }).strict(),
    z.object({ available: z.boolean(), path: z.string().nullable() }),
    'Desktop app: save the finished zip where the person chooses (system save dialog).',
  ),
} as const;
