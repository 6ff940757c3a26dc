// Starts the S3 test server on its own and prints how to reach it:
//   npx tsx test/support/s3/cli.ts [--port 9000] [--bucket NAME]... [--dir DIR]
// Lines on stdin: "stats" prints the R2 operation classes by bucket as one JSON line; "reset" zeroes them.
import { Command } from 'commander';
import readline from 'node:readline';
import { startS3TestServer } from './index';

const program = new Command()
  .name('s3-test-server')
  .description('S3-compatible test server standing in for Cloudflare R2 (a test double, loopback only).')
  .option('--port <n>', 'port on 127.0.0.1 (default: any free port)', (v) => Number(v))
  .option('--bucket <name>', 'create this bucket (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
  .option('--dir <dir>', 'keep data in this folder between runs (default: a temp folder removed on exit)')
  .option('--access-key-id <id>', 'access key id clients must use (default: random)')
  .option('--secret-access-key <secret>', 'secret clients must sign with (default: random)');
program.parse();
const opts = program.opts<{ port?: number; bucket: string[]; dir?: string; accessKeyId?: string; secretAccessKey?: string }>();

const server = await startS3TestServer({
  port: opts.port, buckets: opts.bucket, dir: opts.dir, accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey,
});
console.log(JSON.stringify({
  endpoint: server.endpoint, region: server.region, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey, buckets: opts.bucket,
}));
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'stats') console.log(JSON.stringify(server.stats.byBucket));
  if (line.trim() === 'reset') {
    server.stats.reset();
    console.log('{}');
  }
});
console.error(`S3 test server on ${server.endpoint} (path-style, region "${server.region}"). Ctrl-C to stop.`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void server.close().then(() => process.exit(0), (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
