// Entry point of the `pci-maint` bin.
import { runCli } from './program';

// A reader that stops early (`pci-maint history | head -1`) closes the pipe: later writes fail with
// EPIPE, emitted as an 'error' event that would crash with a stack trace. Nobody reads any more, so
// the output is dropped and the command finishes what it was doing (a restore is never cut short by
// its reader going away); the exit code stays the command's own.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });
}

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
