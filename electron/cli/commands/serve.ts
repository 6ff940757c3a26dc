// `pci-maint serve`: the app's UI in a browser, for headless servers (binds 127.0.0.1 only).
import type { Command } from 'commander';
import { startServer } from '../../server/server';
import { rendererDir } from '../../core/app-root';
import { userError } from '../../../shared/errors';
import type { CliContext, GlobalOptions } from '../context';

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('serve the app in a browser on 127.0.0.1 (prints an address with an access token)')
    .option('--port <n>', 'port to listen on (0 = any free port)', '8765')
    .action(async (opts: { port: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw userError('INVALID_INPUT', 'Invalid port', `"${opts.port}" is not a port number.`, 'Use a number between 0 and 65535, e.g. --port 8765.');
      }
      const engine = ctx.openEngine(globals, 'browser');
      let server;
      try {
        server = await startServer({ engine, port, rendererDir: rendererDir() });
      } catch (err) {
        await engine.close();
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw userError('INVALID_INPUT', 'Port in use', `Port ${port} is already used by another program.`, 'Choose another port with --port, or --port 0 for any free one.');
        }
        throw err;
      }
      if (globals.json) ctx.io.out(JSON.stringify({ url: server.url, port: server.port, dataFolder: engine.paths.home }));
      else {
        ctx.io.out(`PCI Maintenance is running at:\n\n  ${server.url}\n`);
        ctx.io.out(`Open that address in a browser on this machine. Data folder: ${engine.paths.home}`);
        ctx.io.out('Press Ctrl-C to stop.');
      }
      // While it serves, it also runs the schedules (backups, checks, nightly maintenance), like the desktop app.
      void engine.automation.startScheduler();
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      await engine.close();
    });
}
