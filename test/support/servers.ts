// Fresh MongoDB and S3 test servers for an integration test's beforeAll, optionally seeded with the
// PCI File Manager dataset:  const env = await startTestServers();  …  await env.close();
import { startMongoTestServer, type MongoTestServer, type MongoTestServerOptions } from './mongo-wire/index';
import { startS3TestServer, type S3TestServer, type S3TestServerOptions } from './s3/index';
import { seedDataset, type DatasetSummary, type Scale } from './dataset/index';

export interface TestServerOptions {
  /** Seed the dataset (default true; false gives an empty database and an empty bucket). */
  seeded?: boolean;
  scale?: Scale;
  seed?: number;
  /** Default 'pcifm'. */
  database?: string;
  /** Default 'pcifm-files'; created even when not seeded. */
  bucket?: string;
  mongo?: MongoTestServerOptions;
  s3?: Omit<S3TestServerOptions, 'buckets'>;
}

export interface TestServers {
  mongo: MongoTestServer;
  s3: S3TestServer;
  database: string;
  bucket: string;
  /** What was seeded, including the deliberate anomalies; undefined when `seeded: false`. */
  summary?: DatasetSummary;
  close(): Promise<void>;
}

export async function startTestServers(opts: TestServerOptions = {}): Promise<TestServers> {
  const database = opts.database ?? 'pcifm';
  const bucket = opts.bucket ?? 'pcifm-files';
  const [mongo, s3] = await Promise.allSettled([
    startMongoTestServer(opts.mongo),
    startS3TestServer({ ...opts.s3, buckets: [bucket] }),
  ]);
  const closeBoth = async (): Promise<void> => {
    await Promise.all([
      mongo.status === 'fulfilled' ? mongo.value.close() : undefined,
      s3.status === 'fulfilled' ? s3.value.close() : undefined,
    ]);
  };
  if (mongo.status === 'rejected' || s3.status === 'rejected') {
    await closeBoth();
    throw mongo.status === 'rejected' ? mongo.reason : (s3 as PromiseRejectedResult).reason;
  }
  let summary: DatasetSummary | undefined;
  if (opts.seeded !== false) {
    try {
      summary = await seedDataset({
        mongoUri: mongo.value.uri, database, seed: opts.seed, scale: opts.scale,
        s3: { endpoint: s3.value.endpoint, region: s3.value.region, accessKeyId: s3.value.accessKeyId, secretAccessKey: s3.value.secretAccessKey, bucket },
      });
    } catch (err) {
      await closeBoth();
      throw err;
    }
    s3.value.stats.reset(); // tests count their own traffic, not the seeding's
  }
  return { mongo: mongo.value, s3: s3.value, database, bucket, summary, close: closeBoth };
}

/** The environment a `pci-maint` run gets in a test: the servers' secrets by their usual variables, no passphrase. */
export function cliEnv(servers: TestServers): NodeJS.ProcessEnv {
  return { ...process.env, PCI_MONGODB_URI: `${servers.mongo.uri}${servers.database}`, PCI_R2_SECRET_ACCESS_KEY: servers.s3.secretAccessKey, PCI_BACKUP_PASSPHRASE: '' };
}
