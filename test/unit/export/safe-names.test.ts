// Hostile names become safe, distinct relative paths: no way out of the export folder, no collisions on
// case-insensitive or normalising file systems, folders and files never fighting over a name.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeSegment, SafePaths } from '../../../electron/core/export/safe-names';

const HOSTILE = ['', '.', '..', '...', '%', '%2E', 'a/b', 'a\\b', 'C:', 'x:y', 'nul\0', 'tab\t', 'CON', 'con.txt', 'Lpt1.log', 'COM¹', 'end.', 'end ', '<>|?*"', 'ok name.txt', 'é', 'e\u0301'];

describe('encodeSegment', () => {
  it('keeps ordinary names and escapes the rest', () => {
    expect(encodeSegment('report 2024.pdf')).toBe('report 2024.pdf');
    expect(encodeSegment('Grüße 東京.txt')).toBe('Grüße 東京.txt');
    expect(encodeSegment('..')).toBe('%2E%2E');
    expect(encodeSegment('a\\b')).toBe('a%5Cb');
    expect(encodeSegment('C:')).toBe('C%3A');
    expect(encodeSegment('nul\0')).toBe('nul%00');
    expect(encodeSegment('CON')).toBe('%43ON');
    expect(encodeSegment('con.txt')).toBe('%63on.txt');
    expect(encodeSegment('end.')).toBe('end%2E');
    expect(encodeSegment('100%')).toBe('100%25');
    expect(encodeSegment('')).toBe('%');
  });

  it('is injective and every result is one plain file name', () => {
    const encoded = HOSTILE.map(encodeSegment);
    expect(new Set(encoded).size).toBe(HOSTILE.length);
    for (const e of encoded) {
      expect(e).not.toMatch(/[/\\:*?"<>|]/);
      expect([...e].some((ch) => ch.charCodeAt(0) < 0x20)).toBe(false);
      expect(['', '.', '..']).not.toContain(e);
      expect(e).not.toMatch(/[. ]$/);
      expect(path.win32.basename(e)).toBe(e);
      expect(path.posix.basename(e)).toBe(e);
    }
  });

  it('shortens very long names with a hash, keeping them distinct and their extension', () => {
    const a = encodeSegment(`${'x'.repeat(300)}a.pdf`);
    const b = encodeSegment(`${'x'.repeat(300)}b.pdf`);
    expect(Buffer.byteLength(a)).toBeLessThanOrEqual(200);
    expect(a).not.toBe(b);
    expect(a.endsWith('.pdf')).toBe(true);
    expect(Buffer.byteLength(encodeSegment('ü'.repeat(200)))).toBeLessThanOrEqual(200);
  });
});

describe('SafePaths', () => {
  it('stays below its base whatever the key', () => {
    const paths = new SafePaths();
    for (const key of ['../../etc/passwd', '/etc/shadow', 'C:\\Windows\\win.ini', '..\\..\\x', 'a/../../b', './.', '//', 'x/\0/y']) {
      const rel = paths.place('r2/bucket', key.split('/'));
      const resolved = path.resolve('/export', rel);
      expect(resolved.startsWith('/export/r2/bucket/')).toBe(true);
      expect(rel.split('/').every((s) => s !== '' && s !== '.' && s !== '..')).toBe(true);
    }
  });

  it('gives names that differ only in case or normalisation their own files', () => {
    const paths = new SafePaths();
    const placed = ['Report.pdf', 'report.pdf', 'REPORT.pdf', '\u00e9.txt', 'e\u0301.txt'].map((k) => paths.place('r2/b', [k]));
    expect(placed).toEqual(['r2/b/Report.pdf', 'r2/b/report~2.pdf', 'r2/b/REPORT~3.pdf', 'r2/b/\u00e9.txt', 'r2/b/e\u0301~2.txt']);
    expect(paths.place('r2/b', ['report~2.pdf'])).toBe('r2/b/report~2~2.pdf'); // a real key that looks like a suffix
  });

  it('keeps one folder for all keys below it, and separates a file from a folder of the same name', () => {
    const paths = new SafePaths();
    expect(paths.place('r2/b', ['a'])).toBe('r2/b/a');
    expect(paths.place('r2/b', ['a', 'x'])).toBe('r2/b/a~2/x');
    expect(paths.place('r2/b', ['a', 'y'])).toBe('r2/b/a~2/y');
    expect(paths.place('r2/b', ['A', 'z'])).toBe('r2/b/A~3/z');
    expect(paths.place('r2/b', ['dir'], 'dir')).toBe('r2/b/dir');
    expect(paths.place('r2/b', ['dir', 'f'])).toBe('r2/b/dir/f');
  });
});
