// `pci-maint export` and `pci-maint import-mongodump`: a restore point out to standard formats (a
// mongodump folder plus the files, or one zip), and an old mongodump folder in as a restore point.
import type { Command } from 'commander';
import type { ExportResult, ImportResult } from '../../../shared/api/export';
import { formatBytes, formatDateTime } from '../../../shared/format';
import type { CliContext, GlobalOptions } from '../context';
import { withEngine } from '../api';
import { snapshotArg } from '../input';
import { followJob, resultOf } from '../jobs';

export function registerExport(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description('write a restore point out as a mongodump folder plus files (or one zip); never overwrites')
    .requiredOption('--profile <name>', 'the connection whose backup to export')
    .option('--snapshot <id>', 'the restore point id, or "latest" (as for restore: the newest that is not a safety backup)', snapshotArg('latest'), 'latest')
    .requiredOption('--to <path>', 'a new or empty folder (with --zip: the zip file to create)')
    .option('--zip', 'write one zip file instead of a folder')
    .action(async (opts: { profile: string; snapshot: string; to: string; zip?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(ctx, globals, async (engine, api) => {
        const job = await followJob(engine, await api.export.start({ profile: opts.profile, snapshot: opts.snapshot, to: opts.to, zip: Boolean(opts.zip) }), !globals.json);
        const r = resultOf<ExportResult>(job, 'export');
        if (globals.json) return ctx.io.out(JSON.stringify({ ok: true, ...r }));
        ctx.io.out(`Exported restore point ${r.snapshotId} to ${r.target}: ${r.files.toLocaleString('en-US')} files, ${formatBytes(r.bytes)}.`);
        if (r.renamed) ctx.io.out(`  ${r.renamed} names were changed to be safe as file names; export-manifest.ndjson lists them.`);
        if (r.symlinks) ctx.io.out(`  ${r.symlinks} symbolic links are listed in export-manifest.ndjson, not created.`);
        for (const note of r.notes ?? []) ctx.io.out(`  ${note}`);
        if (!r.zip) ctx.io.out(`  Restore the database with: mongorestore --dir "${r.target}/dump"`);
      });
    });

  program
    .command('import-mongodump')
    .description('make a restore point from an existing mongodump folder (plain or --gzip) or --archive file')
    .requiredOption('--profile <name>', 'the connection whose backups receive it')
    .requiredOption('--from <path>', 'the folder mongodump wrote (or one database folder in it), or a mongodump --archive file')
    .action(async (opts: { profile: string; from: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(ctx, globals, async (engine, api) => {
        const job = await followJob(engine, await api.export.importMongodump({ profile: opts.profile, from: opts.from }), !globals.json);
        const r = resultOf<ImportResult>(job, 'import');
        if (globals.json) return ctx.io.out(JSON.stringify({ ok: true, ...r }));
        ctx.io.out(`Imported ${r.collections} collections (${r.documents.toLocaleString('en-US')} documents, ${formatBytes(r.bytes)}) of ${r.databases.join(', ')} as restore point ${r.snapshotId}, dated ${formatDateTime(r.createdAt)}.`);
      });
    });
}
