// The house rules of DESIGN §2, checked on the source tree: core and shared never import electron,
// shared is pure, and app code never imports test infrastructure.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|tsx|mts|cts)$/.test(f)).map((f) => path.join(dir, f));
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1] ?? m[2] ?? m[3]);
  return specs;
}

describe('architecture', () => {
  it('finds the source files it checks (a check over nothing proves nothing)', () => {
    expect(filesUnder('electron/core').length).toBeGreaterThan(5);
    expect(filesUnder('shared').length).toBeGreaterThan(3);
  });

  it('no file under electron/core or shared imports electron', () => {
    const offenders = [...filesUnder('electron/core'), ...filesUnder('shared')].filter((f) => importsOf(f).some((s) => s === 'electron' || s.startsWith('electron/') || s === 'electron-log/main'));
    expect(offenders).toEqual([]);
  });

  it('shared is pure: no node built-ins, no DOM globals', () => {
    const offenders = filesUnder('shared').filter((f) => {
      // Comments may talk about `window.pci`; only code counts.
      const text = fs.readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '').replace(/\s\/\/ .*$/gm, '');
      return importsOf(f).some((s) => s.startsWith('node:') || ['fs', 'path', 'os', 'crypto', 'child_process'].includes(s)) || /\b(window|document|localStorage)\./.test(text);
    });
    expect(offenders).toEqual([]);
  });

  it('app code never imports test infrastructure', () => {
    const offenders = [...filesUnder('electron'), ...filesUnder('renderer')].filter((f) => importsOf(f).some((s) => s.includes('test/support') || s.includes('/test/')));
    expect(offenders).toEqual([]);
  });

  it('only the native loader opens SQLite (DESIGN §10): no other `new Database(` or value import of better-sqlite3', () => {
    const loader = path.join('electron', 'core', 'native', 'sqlite.ts');
    const offenders = filesUnder('electron').filter((f) => f !== loader).filter((f) => {
      const text = fs.readFileSync(f, 'utf8');
      return /new Database\(/.test(text.replace(/\/\/.*$/gm, '')) || /^import (?!type )[^;]*from 'better-sqlite3'/m.test(text);
    });
    expect(offenders).toEqual([]);
    expect(fs.readFileSync(loader, 'utf8')).toContain('nativeBinding');
  });

  it('the checker itself sees an electron import when there is one', () => {
    const tmp = path.join(fs.mkdtempSync(path.join(process.cwd(), '.tmp-arch-')), 'x.ts');
    fs.writeFileSync(tmp, "import { app } from 'electron';\n");
    try {
      expect(importsOf(tmp)).toContain('electron');
    } finally {
      fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
    }
  });
});
