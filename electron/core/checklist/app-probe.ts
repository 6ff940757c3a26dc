// PCI File Manager itself: does it answer at its health address, and which version is installed (read
// from its version file: a package.json-like JSON file with "version", or a text file whose first line
// is the version). Both settings are optional profile settings (`app.healthUrl`, `app.versionFile`).
import fsp from 'node:fs/promises';
import { redact } from '../../../shared/redact';

export interface HealthAnswer {
  ok: boolean;
  /** HTTP status, or null when nothing answered. */
  status: number | null;
  /** Why it did not answer, in a few words ("connection refused", "no answer in 5 s"). */
  problem: string | null;
}

export async function probeHealthUrl(url: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<HealthAnswer> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
  try {
    // A redirect (to a login page, say) still proves the application is up.
    const res = await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.any(signals), headers: { 'User-Agent': 'pci-maintenance' } });
    await res.body?.cancel().catch(() => undefined);
    const ok = res.status < 400 || res.status === 401 || res.status === 403;
    return { ok, status: res.status, problem: ok ? null : `it answered with HTTP ${res.status}` };
  } catch (err) {
    options.signal?.throwIfAborted();
    const e = err as { name?: string; cause?: { code?: string } };
    const code = e.cause?.code;
    const problem =
      e.name === 'TimeoutError' ? `no answer in ${Math.round(timeoutMs / 1000)} s`
      : code === 'ECONNREFUSED' ? 'nothing is listening there (connection refused)'
      : code === 'ENOTFOUND' ? 'the server name cannot be found'
      : redact(err instanceof Error ? err.message : String(err));
    return { ok: false, status: null, problem };
  }
}

const MAX_VERSION_FILE = 256 * 1024;

/** The version in a version file, or a plain-words reason why it cannot be read. */
export async function readVersionFile(file: string): Promise<{ version: string | null; problem: string | null }> {
  let text: string;
  try {
    const handle = await fsp.open(file, 'r');
    try {
      const buf = Buffer.alloc(MAX_VERSION_FILE);
      const { bytesRead } = await handle.read(buf, 0, MAX_VERSION_FILE, 0);
      text = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { version: null, problem: code === 'ENOENT' ? `the version file ${file} does not exist` : `the version file ${file} cannot be read (${code ?? 'error'})` };
  }
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('{')) {
    try {
      const v = (JSON.parse(trimmed) as { version?: unknown }).version;
      if (typeof v === 'string' && v.trim()) return { version: v.trim().slice(0, 100), problem: null };
    } catch {
      // not JSON after all: fall through to the first line
    }
    return { version: null, problem: `the version file ${file} has no "version" field` };
  }
  const first = trimmed.split(/\r?\n/)[0]?.trim() ?? '';
  return first ? { version: first.slice(0, 100), problem: null } : { version: null, problem: `the version file ${file} is empty` };
}
