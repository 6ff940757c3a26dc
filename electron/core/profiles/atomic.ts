// Crash-safe small-file writes (STYLE 10): temp file in the same folder → write → fsync → rename →
// fsync the folder, so a reader sees the old file or the whole new one, never half of either.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export async function writeFileAtomic(file: string, text: string, mode = 0o600): Promise<void> {
  const dir = path.dirname(file);
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  // The mode is set at creation, so a secret is never readable by others, not even for a moment.
  const handle = await fsp.open(temp, 'wx', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fsp.rename(temp, file);
  } catch (err) {
    await fsp.unlink(temp).catch(() => undefined);
    throw err;
  }
  // Make the rename itself durable; some platforms (Windows) cannot open a folder, which is fine.
  const dirHandle = await fsp.open(dir, 'r').catch(() => null);
  if (dirHandle) {
    await dirHandle.sync().catch(() => undefined);
    await dirHandle.close();
  }
}
