// The smaller collections of the dataset: shares, the activity log and settings.
import { Decimal128, Double, Int32, Long, type Document, type ObjectId } from 'mongodb';
import { Prng, REFERENCE_NOW } from './prng';

const DAY = 86_400_000;

interface FileLike { doc: Document; size: number }

export function planShares(seed: number, files: FileLike[], users: Document[]): Document[] {
  const rng = new Prng(seed, 'shares');
  const live = files.filter((f) => !f.doc.deletedAt);
  return Array.from({ length: Math.round(files.length / 6) }, () => {
    const file = rng.pick(live).doc;
    const createdAt = rng.date(file.createdAt as Date, REFERENCE_NOW);
    const other = rng.pick(users.filter((u) => u._id !== file.owner));
    return {
      _id: rng.objectIdAt(createdAt), fileId: file._id, sharedBy: file.owner,
      ...(rng.chance(0.7) ? { sharedWith: other._id } : { sharedWithEmail: `${rng.hex(3)}@partner.example` }),
      permission: rng.pick(['view', 'view', 'edit']), token: rng.hex(16), createdAt,
      expiresAt: rng.chance(0.5) ? new Date(createdAt.getTime() + rng.int(1, 90) * DAY) : null,
      accessCount: new Int32(rng.int(0, 40)),
    };
  });
}

const ACTIONS = ['login', 'upload', 'download', 'download', 'download', 'preview', 'rename', 'share', 'delete', 'move'];
const AGENTS = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) PCI-FileManager-Web', 'PCI-FileManager-Sync/3.2 (macOS 14.5)',
  'PCI-FileManager-Mobile/2.8 (Android 14)', 'curl/8.5.0'];

/** An append-only log: ids and dates ascend together, as they would on a live server. */
export function planActivity(seed: number, count: number, files: FileLike[], users: Document[]): Document[] {
  const rng = new Prng(seed, 'activity');
  const from = new Date(REFERENCE_NOW.getTime() - 80 * DAY);
  const times = Array.from({ length: count }, () => rng.date(from, REFERENCE_NOW).getTime()).sort((a, b) => a - b);
  return times.map((t) => {
    const createdAt = new Date(t);
    const action = rng.pick(ACTIONS);
    const file = action === 'login' ? undefined : rng.pick(files);
    return {
      _id: rng.objectIdAt(createdAt), userId: (file?.doc.owner ?? rng.pick(users)._id) as ObjectId, action,
      ...(file ? { fileId: file.doc._id } : {}),
      ...(file && (action === 'upload' || action === 'download') ? { bytes: Long.fromNumber(file.size) } : {}),
      ip: `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`, userAgent: rng.pick(AGENTS), createdAt,
    };
  });
}

export function planSettings(): Document[] {
  const at = new Date('2024-11-05T09:30:00Z');
  return [
    { _id: 'general', siteName: 'PCI File Manager', maxUploadMb: new Int32(2048), allowedTypes: ['pdf', 'docx', 'xlsx', 'jpg', 'png', 'zip', 'mp4', 'txt', 'csv'], trashRetentionDays: new Int32(30), updatedAt: at },
    { _id: 'storage', provider: 'r2', defaultQuotaGb: Decimal128.fromString('100.00'), multipartThresholdMb: new Int32(8), updatedAt: at },
    { _id: 'smtp', host: 'smtp.example.com', port: new Int32(587), secure: false, from: 'files@example.com', updatedAt: at },
    // -0.0 is a distinct double in BSON; a careless copy turns it into 0.
    { _id: 'display', gamma: new Double(-0), thumbnailQuality: new Double(0.85), updatedAt: at },
    { _id: 'schema', version: new Int32(7), migratedAt: at, counters: { files: Long.fromString('4294967296') } },
  ];
}
