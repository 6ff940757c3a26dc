// Start-up of the built CLI (issue 13): the entry bundle and what it imports statically pull in no
// engine, driver, SDK or schema library; those arrive with the chunk of the command that runs.
// (The time itself is measured in `npm run bench`, not asserted here.)
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/serve';
import { tempDir } from '../support/engine';

const dist = path.resolve('dist/cli');

/** Bare package names imported statically by a bundle file and the chunks it imports statically. */
function staticPackages(file: string, seen = new Set<string>()): Set<string> {
  const found = new Set<string>();
  if (seen.has(file)) return found;
  seen.add(file);
  const text = fs.readFileSync(file, 'utf8');
  // Static forms only: `import x from "p"`, `import "p"`, `export … from "p"`, and the require() that
  // scripts/build.mjs uses for CommonJS-only packages (run when the chunk loads); `import("p")` is lazy.
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?:[^'"();]*?\s+from\s+)?["']([^"']+)["']|__require\(["']([^"']+)["']\)/gm)) {
    const spec = m[1] ?? m[2];
    if (spec.startsWith('.')) for (const p of staticPackages(path.resolve(path.dirname(file), spec), seen)) found.add(p);
    else found.add(spec);
  }
  return found;
}

describe('CLI start-up', () => {
  it('the entry loads only commander and Node built-ins before a command is chosen', () => {
    const packages = [...staticPackages(path.join(dist, 'index.mjs'))].filter((p) => !p.startsWith('node:'));
    expect(packages).toEqual(['commander']);
  });

  it('the engine a command opens does not bring the zip writer, the mail client, the upload helper or the web server', () => {
    const chunk = fs.readdirSync(path.join(dist, 'chunks')).find((f) => /^engine-.*\.mjs$/.test(f));
    const packages = staticPackages(path.join(dist, 'chunks', chunk!));
    expect(packages).toContain('mongodb');
    for (const lazy of ['archiver', 'nodemailer', '@aws-sdk/lib-storage', 'fastify']) expect(packages).not.toContain(lazy);
  });

  it('a command chunk brings the contract, and the core behind it only with the engine (the checker is not blind)', () => {
    const chunk = fs.readdirSync(path.join(dist, 'chunks')).find((f) => /^backup-.*\.mjs$/.test(f));
    expect(chunk).toBeDefined();
    const packages = staticPackages(path.join(dist, 'chunks', chunk!));
    expect(packages).toContain('zod');
    // The command reaches core through the contract, whose dispatch is loaded on the first call.
    expect(packages).not.toContain('@aws-sdk/client-s3');
    const engine = fs.readdirSync(path.join(dist, 'chunks')).find((f) => /^engine-.*\.mjs$/.test(f));
    expect(staticPackages(path.join(dist, 'chunks', engine!))).toContain('@aws-sdk/client-s3');
  });

  it('--help, --version and a command still work from the split bundle', async () => {
    const home = tempDir('pci-startup-');
    try {
      const help = await runCli(home, process.env, ['--help']);
      expect(help.code).toBe(0);
      expect(help.out).toContain('backup [options]');
      expect((await runCli(home, process.env, ['--version'])).out.trim()).toMatch(/^\d+\.\d+\.\d+/);
      const sub = await runCli(home, process.env, ['help', 'backup']);
      expect(sub.out).toContain('--profile <name>');
      const missing = await runCli(home, process.env, ['backup', '--profile', 'nobody']);
      expect(missing.code).toBe(1);
      expect(missing.err).toContain('There is no connection named "nobody"');
      const typo = await runCli(home, process.env, ['bakup']);
      expect(typo.code).toBe(2);
      expect(typo.err).toContain('Did you mean backup?');
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
