// The log analyzer for PCI File Manager's own log folder (the plans' "log analyzer for
// troubleshooting"): errors and warnings per day and the most repeated messages. It reads line by
// line (plain or .gz), understands JSON lines (pino, winston, bunyan) and the usual text formats
// ("2025-03-01T10:00:00Z ERROR …", "[error] …", "level=warn …"), and is bounded in files, bytes
// and distinct messages, so a huge folder cannot exhaust memory.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { LogAnalysis } from '../../../shared/api/maintenance';
import { userError } from '../../../shared/errors';
import type { Services } from '../services';
import { systemTimeZone, wallClock } from '../schedule/times';
import { maintenanceSettingsFile } from './tasks';
import { archiveBase, archivesOf, type AppLogsConfig } from './app-log-rotation';
import { appLogTargets } from './app-log-task';

type Level = 'error' | 'warn';

export interface ParsedLine {
  level: Level | null;
  at: number | null;
  message: string;
}

const LOG_FILE_RE = /\.(log|txt|out|err)(\.\d+)?(\.gz)?$|\.log[.-][\w.-]*$/i;
const ISO_RE = /(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)(Z|[+-]\d{2}:?\d{2})?/;
const UPPER_RE = /(?:^|[\s[(|])(FATAL|CRITICAL|ERROR|ERR|WARNING|WARN)(?=[\s\]):|]|$)/;
const LOWER_RE = /\[(fatal|critical|error|warning|warn)\]|\blevel=["']?(fatal|critical|error|warning|warn)\b|^\s*(?:\S+\s+)?(error|warn|warning):/i;

function levelOf(word: string | undefined | number): Level | null {
  if (typeof word === 'number') return word >= 50 ? 'error' : word >= 40 ? 'warn' : null; // pino / bunyan numbers
  const w = word?.toLowerCase();
  if (w === 'error' || w === 'err' || w === 'fatal' || w === 'critical' || w === 'crit' || w === 'emerg' || w === 'alert') return 'error';
  if (w === 'warn' || w === 'warning') return 'warn';
  return null;
}

function timeOf(value: unknown): number | null {
  if (typeof value === 'number') return value > 1e12 ? value : value * 1000;
  if (typeof value !== 'string') return null;
  const t = Date.parse(value);
  return Number.isFinite(t) ? t : null;
}

export function parseLogLine(line: string): ParsedLine {
  const trimmed = line.trim();
  if (trimmed.startsWith('{')) {
    try {
      const o = JSON.parse(trimmed) as Record<string, unknown>;
      const err = o.err as { message?: unknown } | undefined;
      const raw = o.msg ?? o.message ?? err?.message ?? '';
      return { level: levelOf((o.level ?? o.severity ?? o.lvl) as string | number | undefined), at: timeOf(o.time ?? o.timestamp ?? o['@timestamp'] ?? o.ts), message: String(raw) };
    } catch {
      // not JSON after all: read as text
    }
  }
  const iso = ISO_RE.exec(trimmed);
  const at = iso ? timeOf(`${iso[1]}T${iso[2].replace(',', '.')}${iso[3] ?? ''}`) : null;
  const rest = iso ? trimmed.slice(0, iso.index) + trimmed.slice(iso.index + iso[0].length) : trimmed;
  const upper = UPPER_RE.exec(rest);
  const lower = upper ? null : LOWER_RE.exec(rest);
  const level = levelOf(upper?.[1] ?? lower?.[1] ?? lower?.[2] ?? lower?.[3]);
  const cut = upper ?? lower;
  const message = (cut ? rest.slice(cut.index + cut[0].length) : rest).replace(/^[\s\]:|-]+/, '').trim();
  return { level, at, message };
}

/** The same message with its numbers, ids, times and quoted values replaced, so repeats group. */
export function normalizeMessage(message: string): string {
  return message
    .replace(new RegExp(ISO_RE.source, 'g'), '<time>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
    .replace(/\b[0-9a-f]{8,}\b/gi, '<id>')
    .replace(/"[^"]*"|'[^']*'/g, '"…"')
    .replace(/\b\d+(\.\d+)?\b/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 160);
}

interface LogFile {
  file: string;
  mtime: number;
  size: number;
}

async function listLogFiles(folder: string, depth = 3): Promise<LogFile[]> {
  const out: LogFile[] = [];
  for (const entry of await fsp.readdir(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory() && depth > 0) out.push(...(await listLogFiles(full, depth - 1)));
    // `.partial`: an archive still being written (its lines are still in the live file); `.rotating`:
    // the record of a rotation (app-log-archive.ts).
    else if (entry.isFile() && LOG_FILE_RE.test(entry.name) && !/\.(partial|rotating)$/.test(entry.name)) {
      const st = await fsp.stat(full);
      out.push({ file: full, mtime: st.mtimeMs, size: st.size });
    }
  }
  return out;
}

/**
 * A rotated app log is one text in several files: its archives, oldest first, then the live file.
 * An in-place rotation cuts at a disk block, so a line may begin in one archive and end in the next
 * file; reading them as one stream counts that line once.
 */
async function appLogStreams(configs: readonly AppLogsConfig[], skipped: LogAnalysis['skipped']): Promise<LogFile[][]> {
  const streams: LogFile[][] = [];
  for (const config of configs) {
    const folder = path.resolve(config.archiveFolder);
    for (const p of config.paths) {
      const live = path.resolve(p);
      const files: LogFile[] = [];
      for (const a of await archivesOf(folder, archiveBase(live))) {
        const st = await fsp.stat(a.file).catch(() => null);
        if (st) files.push({ file: a.file, mtime: st.mtimeMs, size: st.size });
      }
      try {
        const st = await fsp.stat(live);
        files.push({ file: live, mtime: st.mtimeMs, size: st.size });
      } catch (err) {
        skipped.push({ file: live, reason: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (err as Error).message });
      }
      streams.push(files);
    }
  }
  return streams;
}

const MAX_LINE = 64 * 1024;

/** The lines of files read as one text (a line may continue from one file into the next). */
async function* linesOf(files: readonly LogFile[], skipped: LogAnalysis['skipped']): AsyncGenerator<{ line: string; file: LogFile }> {
  let decoder = new StringDecoder('utf8');
  let carry = '';
  for (const f of files) {
    try {
      const raw = fs.createReadStream(f.file);
      const input = f.file.endsWith('.gz') ? pipeline(raw, createGunzip(), () => undefined) : raw;
      for await (const chunk of input as AsyncIterable<Buffer>) {
        const parts = (carry + decoder.write(chunk)).split('\n');
        carry = parts.pop() ?? '';
        for (const line of parts) yield { line: line.endsWith('\r') ? line.slice(0, -1) : line, file: f };
        // A file without line ends (binary, or one huge line) is read in pieces, not held whole.
        if (carry.length > MAX_LINE) {
          yield { line: carry, file: f };
          carry = '';
        }
      }
    } catch (err) {
      skipped.push({ file: f.file, reason: (err as Error).message });
      // What was read of a damaged file is not joined to the next one.
      decoder = new StringDecoder('utf8');
      carry = '';
      continue;
    }
    const last = files.at(-1) === f;
    if (last) {
      carry += decoder.end();
      if (carry) yield { line: carry, file: f };
    }
  }
}

export interface AnalyzeOptions {
  days?: number;
  now?: number;
  timeZone?: string;
  maxFiles?: number;
  maxBytes?: number;
  signal?: AbortSignal;
}

export async function analyzeLogFolder(folder: string, options: AnalyzeOptions = {}): Promise<LogAnalysis> {
  return analyzeLogs({ folder }, options);
}

/**
 * The analysis of a log folder and of rotated app logs (their archives and live files). A file is
 * read once even when it is found both ways (an archive folder inside the log folder).
 */
export async function analyzeLogs(what: { folder?: string; appLogs?: readonly AppLogsConfig[] }, options: AnalyzeOptions = {}): Promise<LogAnalysis> {
  const now = options.now ?? Date.now();
  const days = options.days ?? 30;
  const tz = options.timeZone ?? systemTimeZone();
  const dateOf = (t: number) => new Date(wallClock(t, tz)).toISOString().slice(0, 10);
  const from = now - days * 86_400_000;
  const perDay = new Map<string, { errors: number; warnings: number }>();
  // Calendar days back from today's local date (not 24-hour steps, which a DST day would skew).
  const today = Date.parse(`${dateOf(now)}T00:00:00Z`);
  for (let i = days - 1; i >= 0; i--) perDay.set(new Date(today - i * 86_400_000).toISOString().slice(0, 10), { errors: 0, warnings: 0 });
  const top = new Map<string, { level: Level; count: number; lastAt: number | null }>();
  const skipped: LogAnalysis['skipped'] = [];
  let files = 0;
  let lines = 0;
  let budget = options.maxBytes ?? 200 * 1024 * 1024;

  const streams = await appLogStreams(what.appLogs ?? [], skipped);
  const claimed = new Set<string>();
  for (const f of streams.flat()) claimed.add(await fsp.realpath(f.file).catch(() => f.file));
  if (what.folder !== undefined) {
    let listed;
    try {
      listed = await listLogFiles(what.folder);
    } catch (err) {
      throw userError('NOT_FOUND', 'Log folder not found', `The folder ${what.folder} cannot be read.`, "Check the path of PCI File Manager's log folder in the maintenance settings.", (err as Error).message);
    }
    for (const f of listed) {
      const real = await fsp.realpath(f.file).catch(() => f.file);
      if (!claimed.has(real)) streams.push([f]);
      claimed.add(real);
    }
  }
  // Newest first: when the limits cut, it is the oldest that is left out.
  const chosen = new Set<LogFile>();
  for (const f of streams.flat().sort((a, b) => b.mtime - a.mtime)) {
    if (f.mtime < from) continue;
    if (files >= (options.maxFiles ?? 200) || budget <= 0) {
      skipped.push({ file: f.file, reason: 'left out: the analysis reads at most 200 files or 200 MB' });
      continue;
    }
    files += 1;
    budget -= f.size;
    chosen.add(f);
  }

  for (const stream of streams) {
    for await (const { line, file } of linesOf(
      stream.filter((f) => chosen.has(f)),
      skipped,
    )) {
      options.signal?.throwIfAborted();
      lines += 1;
      const p = parseLogLine(line);
      if (!p.level) continue;
      const at = p.at ?? file.mtime;
      if (at < from || at > now + 86_400_000) continue;
      const day = perDay.get(dateOf(at));
      if (day) day[p.level === 'error' ? 'errors' : 'warnings'] += 1;
      const key = `${p.level}|${normalizeMessage(p.message) || '(no message)'}`;
      const seen = top.get(key);
      if (seen) {
        seen.count += 1;
        seen.lastAt = Math.max(seen.lastAt ?? 0, at);
      } else if (top.size < 5000) top.set(key, { level: p.level, count: 1, lastAt: at });
    }
  }

  return {
    folder: what.folder ?? [...new Set((what.appLogs ?? []).map((a) => path.resolve(a.archiveFolder)))].join(', '),
    files,
    lines,
    days: [...perDay].map(([date, c]) => ({ date, ...c })),
    top: [...top]
      .sort((a, b) => b[1].count - a[1].count)
      .slice(0, 10)
      .map(([key, v]) => ({ level: v.level, message: key.slice(key.indexOf('|') + 1), count: v.count, lastAt: v.lastAt === null ? null : new Date(v.lastAt).toISOString() })),
    skipped,
    analyzedAt: new Date(now).toISOString(),
  };
}

/** What to analyze for a connection: the log folder set for it and its app-logs sources; null when neither. */
export function logsOfProfile(engine: Services, profile: string): { folder?: string; appLogs: AppLogsConfig[] } | null {
  const folder = maintenanceSettingsFile(engine).read().settings.logFolders[profile];
  const appLogs = appLogTargets([engine.profiles.find(profile)]).targets.map((t) => t.config);
  if (!folder && appLogs.length === 0) return null;
  return { ...(folder ? { folder } : {}), appLogs };
}

/** For the support bundle: the analysis of a connection's logs, or null when it has none set. */
export async function logAnalysisForBundle(engine: Services, profile: string, days = 30): Promise<LogAnalysis | null> {
  const what = logsOfProfile(engine, profile);
  return what ? analyzeLogs(what, { days }) : null;
}
