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

/** The relative imports of each file under `roots`, resolved to files (type-only imports count too). */
function importGraph(roots: string[]): Map<string, string[]> {
  const files = roots.flatMap(filesUnder);
  const known = new Set(files);
  const resolve = (from: string, spec: string): string | null => {
    if (!spec.startsWith('.')) return null;
    const base = path.join(path.dirname(from), spec);
    return [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')].find((c) => known.has(c)) ?? null;
  };
  return new Map(files.map((f) => [f, importsOf(f).map((s) => resolve(f, s)).filter((r): r is string => r !== null)]));
}

/** Groups of files that import each other, directly or round about (Tarjan's strongly connected components). */
function importCycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(group.sort());
  };
  for (const f of graph.keys()) if (!index.has(f)) visit(f);
  return cycles;
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

  it('core, the CLI and shared have no import cycle, not even a type-only one', () => {
    expect(importCycles(importGraph(['electron/core', 'electron/cli', 'shared']))).toEqual([]);
  });

  it('no core feature imports the engine: features take the services (services.ts); engine.ts only wires them', () => {
    const offenders = filesUnder('electron/core').filter((f) => f !== path.join('electron', 'core', 'engine.ts')).filter((f) => importsOf(f).some((s) => /(^|\/)engine$/.test(s)));
    expect(offenders).toEqual([]);
  });

  it('the CLI reaches core features through the contract (cli/api.ts) only', () => {
    // Hosting modules every host uses; every feature goes through the contract. A command that ever
    // needs a feature directly names it in `notYet` with the reason.
    const hosting = ['core/engine', 'core/handlers', 'core/paths', 'core/app-root'];
    const notYet: string[] = [];
    const used = new Set(filesUnder('electron/cli').flatMap((f) => importsOf(f).map((s) => /(core\/.*)$/.exec(s)?.[1]).filter((s): s is string => Boolean(s))));
    expect([...used].filter((m) => !hosting.includes(m) && !notYet.includes(m))).toEqual([]);
    expect(notYet.filter((m) => !used.has(m))).toEqual([]); // a line left over after its command moved
  });

  it('the cycle finder finds a cycle when there is one', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(importCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
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
