// One log writer for the whole app (STYLE 11): electron-log, a component name on every line, and a
// redaction hook so no secret reaches a log file. The desktop shell passes electron-log/main; the
// CLI and the browser server use electron-log/node — same format, same files.
import fs from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import type { NodeLogger } from 'electron-log';
import { redact } from '../../shared/redact';

export interface ScopedLog {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface AppLogger {
  scope(component: string): ScopedLog;
  /** The current log file (rotated files sit beside it). */
  file: string;
  secrets: SecretRegistry;
}

/** Every secret the app knows of this run; redaction removes each by exact match. */
export class SecretRegistry {
  private readonly values = new Set<string>();
  add(...secrets: Array<string | undefined | null>): void {
    for (const s of secrets) if (s && s.length >= 4) this.values.add(s);
  }
  list(): string[] {
    return [...this.values];
  }
  redact(text: string): string {
    return redact(text, this.values);
  }
}

export const LOG_FORMAT = '[{y}-{m}-{d} {h}:{i}:{s}.{ms}] [{level}] [{scope}] {text}';
export const LOG_MAX_BYTES = 5 * 1024 * 1024;

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  return inspect(value, { depth: 4, breakLength: Infinity });
}

/** `main.log` → `main-2025-03-01T02-00-00-000Z.log`: where a full log file goes when it is rotated. */
export function rotatedLogName(file: string, now = new Date()): string {
  const { dir, name, ext } = path.parse(file);
  return path.join(dir, `${name}-${now.toISOString().replace(/[:.]/g, '-')}${ext}`);
}

/** Configure an electron-log instance to write `<logs>/main.log` with rotation and redaction. */
export function createAppLogger(base: NodeLogger, logsDir: string, options: { console?: boolean; secrets?: SecretRegistry } = {}): AppLogger {
  const secrets = options.secrets ?? new SecretRegistry();
  const file = path.join(logsDir, 'main.log');
  const log = base;
  log.transports.file.resolvePathFn = () => file;
  log.transports.file.format = LOG_FORMAT;
  log.transports.file.maxSize = LOG_MAX_BYTES;
  // A rotated file gets a time stamp (electron-log keeps one main.old.log, so a second rotation before
  // the nightly maintenance would lose the first); maintenance/logs.ts gzips them and expires them.
  log.transports.file.archiveLogFn = (old) => {
    try {
      fs.renameSync(old.path, rotatedLogName(old.path));
    } catch {
      old.clear(); // cannot rename (e.g. held open on Windows): keep the size limit all the same
    }
  };
  log.transports.file.level = 'debug';
  log.transports.console.format = LOG_FORMAT;
  log.transports.console.level = options.console ? 'info' : false;
  // Flatten and redact every argument before any transport sees it.
  log.hooks.push((message) => {
    message.data = [secrets.redact(message.data.map(stringify).join(' '))];
    return message;
  });
  return {
    file,
    secrets,
    scope(component: string): ScopedLog {
      return log.scope(component);
    },
  };
}
