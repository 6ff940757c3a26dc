// Names from a backup are untrusted: which relative paths the restore refuses to write, per platform.
import { describe, expect, it } from 'vitest';
import { unsafeReason } from '../../../electron/core/restore/folders-restore';
import { coveringPrefixes } from '../../../electron/core/restore/r2-live';
import { tempName } from '../../../electron/core/restore/cleanup';

describe('unsafeReason', () => {
  it('accepts ordinary relative paths everywhere', () => {
    for (const rel of ['app.json', 'sub/deep.txt', 'a b/ü ñ.txt', '.hidden', 'x..y']) {
      expect(unsafeReason(rel, 'linux'), rel).toBeNull();
      expect(unsafeReason(rel, 'win32'), rel).toBeNull();
    }
  });
  it('refuses what could leave the folder on any platform', () => {
    for (const rel of ['', '../x', 'a/../../x', '/etc/passwd', '\\\\server\\share', 'C:/x', 'c:x', 'a\\..\\x', 'a\0b', 'a//b', './a']) {
      expect(unsafeReason(rel, 'linux'), JSON.stringify(rel)).not.toBeNull();
    }
  });
  it('refuses names Windows treats specially, only there', () => {
    for (const rel of ['file:stream', 'CON', 'con.txt', 'sub/NUL', 'LPT1.log', 'what?.txt', 'trailing.', 'space ']) {
      expect(unsafeReason(rel, 'win32'), rel).not.toBeNull();
      expect(unsafeReason(rel, 'linux'), rel).toBeNull();
    }
  });
});

describe('helpers', () => {
  it('lists each key once for overlapping prefixes', () => {
    expect(coveringPrefixes(null)).toEqual(['']);
    expect(coveringPrefixes(['a/b/', 'a/', 'c/', 'a/'])).toEqual(['a/', 'c/']);
  });
  it('keeps temporary collection names within MongoDB limits', () => {
    expect(tempName('pcifm', 'abcdef012345', 'files')).toBe('pcimaint_restore_abcdef012345_files');
    const long = tempName('pcifm', 'abcdef012345', 'x'.repeat(300));
    expect(long).toMatch(/^pcimaint_restore_abcdef012345_h[0-9a-f]{24}$/);
  });
});
