// S3-compatible test server standing in for Cloudflare R2: s3rver (in-process, private loopback port)
// behind our gateway (public loopback port) that checks SigV4, injects faults and counts traffic.
// A TEST DOUBLE: see README.md beside this file for what it does and does not do like R2.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { S3Faults } from './faults';
import { startGateway } from './gateway';
import { assertBucketName } from './keys';
import { S3Stats } from './stats';

export { S3Faults } from './faults';
export type { FailNextOptions, FaultMatch, ResetOptions, DelayOptions } from './faults';
export { S3Stats } from './stats';
export type { S3Operation } from './routes';

export interface S3TestServerOptions {
  /** Public (gateway) port on 127.0.0.1; 0 or omitted picks a free one. */
  port?: number;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Region clients should sign with; R2 uses 'auto'. Any region in a signature is accepted. */
  region?: string;
  /** Buckets created at start (existing ones are kept). */
  buckets?: string[];
  /** Keep the data here (kept after close); default: a temp folder removed by close(). */
  dir?: string;
}

export interface S3TestServer {
  endpoint: string;
  port: number;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  faults: S3Faults;
  stats: S3Stats;
  /** Folder s3rver stores objects in (for tests that must inspect or damage the store). */
  storeDir: string;
  close(): Promise<void>;
}

/**
 * s3rver's store sits several folders below the folder we own, so that even a path that escaped the
 * bucket folder (s3rver joins raw key segments, '..' included — see README.md) stays inside it.
 */
const NESTING = ['s3rver', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'store'];

export async function startS3TestServer(opts: S3TestServerOptions = {}): Promise<S3TestServer> {
  const ownsDir = opts.dir === undefined;
  const base = opts.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'pci-s3-')));
  const storeDir = path.join(base, ...NESTING);
  await mkdir(storeDir, { recursive: true });
  const buckets = opts.buckets ?? [];
  buckets.forEach(assertBucketName);

  const s3rver = new S3rver({
    address: '127.0.0.1', port: 0, silent: true, directory: storeDir, vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  let upstreamPort: number;
  try {
    ({ port: upstreamPort } = await s3rver.run());
  } catch (err) {
    if (ownsDir) await rm(base, { recursive: true, force: true });
    throw err;
  }

  const accessKeyId = opts.accessKeyId ?? randomBytes(16).toString('hex');
  const secretAccessKey = opts.secretAccessKey ?? randomBytes(32).toString('hex');
  const region = opts.region ?? 'auto';
  const faults = new S3Faults();
  const stats = new S3Stats();
  const gateway = await startGateway({
    host: '127.0.0.1', port: opts.port ?? 0, root: storeDir, s3rver, upstreamPort,
    credentials: new Map([[accessKeyId, secretAccessKey]]), region, faults, stats,
  }).catch(async (err: unknown) => {
    await s3rver.close();
    if (ownsDir) await rm(base, { recursive: true, force: true });
    throw err;
  });

  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${gateway.port}`,
    port: gateway.port, accessKeyId, secretAccessKey, region, faults, stats, storeDir,
    close() {
      closing ??= (async () => {
        await gateway.close();
        s3rver.httpServer?.closeAllConnections();
        await s3rver.close();
        if (ownsDir) await rm(base, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
