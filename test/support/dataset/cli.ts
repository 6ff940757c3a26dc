// Seeds the PCI File Manager dataset into any MongoDB + S3 endpoint and prints what it wrote:
//   npx tsx test/support/dataset/cli.ts --mongo-uri mongodb://127.0.0.1:27017 --endpoint http://127.0.0.1:9000 \
//     --access-key-id ID --secret-access-key SECRET [--bucket pcifm-files] [--seed 1] [--scale small] [--json]
import { Command, Option } from 'commander';
import { seedDataset, type Scale } from './index';
import { describeSummary } from './report';

const program = new Command()
  .name('seed-dataset')
  .description('Write a deterministic PCI File Manager dataset (MongoDB metadata + bucket objects). Drops the database and empties the bucket first.')
  .requiredOption('--mongo-uri <uri>', 'MongoDB connection string')
  .requiredOption('--endpoint <url>', 'S3-compatible endpoint (path-style)')
  .option('--access-key-id <id>', 'S3 access key id (default: $AWS_ACCESS_KEY_ID)', process.env.AWS_ACCESS_KEY_ID)
  .option('--secret-access-key <secret>', 'S3 secret (default: $AWS_SECRET_ACCESS_KEY)', process.env.AWS_SECRET_ACCESS_KEY)
  .option('--region <region>', 'signing region', 'auto')
  .option('--bucket <name>', 'bucket to (re)create', 'pcifm-files')
  .option('--database <name>', 'database to (re)create', 'pcifm')
  .option('--seed <n>', 'PRNG seed: the same seed gives the same data', (v) => Number(v), 1)
  .addOption(new Option('--scale <scale>', 'dataset size').choices(['small', 'medium', 'large']).default('small'))
  .option('--json', 'print the summary as JSON instead of text');
program.parse();
const o = program.opts<{ mongoUri: string; endpoint: string; accessKeyId?: string; secretAccessKey?: string; region: string; bucket: string; database: string; seed: number; scale: Scale; json?: boolean }>();
if (!o.accessKeyId || !o.secretAccessKey) program.error('S3 credentials are missing: pass --access-key-id and --secret-access-key (or set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).');
if (!Number.isInteger(o.seed)) program.error('--seed must be an integer');

const summary = await seedDataset({
  mongoUri: o.mongoUri, database: o.database, seed: o.seed, scale: o.scale,
  s3: { endpoint: o.endpoint, region: o.region, accessKeyId: o.accessKeyId ?? '', secretAccessKey: o.secretAccessKey ?? '', bucket: o.bucket },
  onProgress: (p) => {
    if (p.phase === 'objects' && p.done === p.total) console.error(`uploaded ${p.total} objects (${(p.bytesTotal / 1048576).toFixed(1)} MiB)`);
    if (p.phase === 'mongo' && p.done === p.total) console.error('wrote MongoDB');
  },
});
console.log(o.json ? JSON.stringify(summary, null, 2) : describeSummary(summary));
