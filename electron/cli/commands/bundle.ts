// `pci-maint bundle --out FILE [--include-names]`: a support bundle (logs, history, diagnostics, secrets
// removed) written to FILE. File names and object keys are left out unless --include-names is given.
// Never overwrites: an existing FILE is refused.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { BundlePreview } from '../../../shared/api/bundle';
import { userError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import type { CliContext, GlobalOptions } from '../context';
import { followJob, resultOf } from '../jobs';
import { withEngine } from '../api';

export function registerBundle(program: Command, ctx: CliContext): void {
  program
    .command('bundle')
    .description('write a support bundle (logs, history, diagnostics; secrets removed) for whoever helps you')
    .requiredOption('--out <file>', 'where to write the zip (must not exist yet)')
    .option('--include-names', 'include file names and object keys (left out by default: they can be personal data)')
    .action(async (opts: { out: string; includeNames?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = path.resolve(opts.out);
      if (fs.existsSync(out)) throw userError('INVALID_INPUT', 'File exists', `${out} already exists.`, 'Choose a new file name: a bundle never overwrites a file.');
      // --out answers the desktop app's "where to save?" dialog, so the zip is saved the way the app saves it.
      const saveFile = async () => {
        fs.mkdirSync(path.dirname(out), { recursive: true });
        return out;
      };
      const dialogs = { pickFolder: async () => null, saveFile };
      await withEngine(ctx, globals, async (engine, api) => {
        const job = await followJob(engine, await api.bundle.prepare({ includeNames: Boolean(opts.includeNames) }), !globals.json);
        const preview = resultOf<BundlePreview>(job, 'support bundle');
        const built = await api.bundle.build({ id: preview.id });
        const saved = await api.bundle.saveAs({ id: preview.id });
        if (saved.path !== out) throw userError('INTERNAL', 'Not saved', `The support bundle could not be written to ${out}.`, 'Try again; if it keeps failing, choose another folder.');
        const r = preview.redaction;
        if (globals.json) {
          ctx.io.out(JSON.stringify({ ok: true, file: out, bytes: built.bytes, files: built.files, includeNames: preview.includeNames, redaction: r, warnings: preview.warnings }));
          return;
        }
        ctx.io.out(`Support bundle written: ${out} (${formatBytes(built.bytes)}, ${built.files} files)`);
        ctx.io.out(`  removed: ${r.secrets + r.patterns} secrets${preview.includeNames ? '' : `, ${r.names} file names`}${preview.includeNames ? '; file names are included' : ''}`);
        for (const w of preview.warnings) ctx.io.out(`  ! ${w}`);
      }, { dialogs });
    });
}
