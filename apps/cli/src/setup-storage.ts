import type { Command } from 'commander';
import { createBuckets, createS3Client } from '@envmgr/adapter-blobs-s3';
import { createDynamoClient, createTables, tableNames } from '@envmgr/adapter-store-dynamodb';
import type { Context } from './context.js';
import { UsageError } from './failure.js';
import { table } from './output.js';

interface StorageFlags {
  region?: string;
  endpoint?: string;
  tablePrefix: string;
  bucket?: string;
  s3Endpoint?: string;
}

/**
 * `envmgr setup storage`: creates the DynamoDB tables (and the S3 bucket) the server's ENVMGR_STORE=dynamodb and
 * ENVMGR_BLOBS=s3 need (docs/aws.md#storage). It runs before any EM server exists, so it uses the storage adapters
 * itself with the AWS credentials of the environment; what exists already is left as it is.
 */
export function registerSetupStorageCommand(setup: Command, ctx: Context): void {
  setup
    .command('storage')
    .description('create the DynamoDB tables and the S3 bucket EM keeps its data in (on-demand capacity); safe to run again: existing ones are left as they are')
    .option('--region <region>', 'AWS region of the tables and bucket; default: ENVMGR_AWS_REGION, then AWS_REGION')
    .option('--endpoint <url>', 'DynamoDB endpoint (DynamoDB Local); default: the region\'s')
    .option('--table-prefix <prefix>', 'prepended to every table name, as ENVMGR_TABLE_PREFIX', '')
    .option('--bucket <name>', 'also create this S3 bucket (deployment logs and backups, ENVMGR_S3_BLOBS_BUCKET)')
    .option('--s3-endpoint <url>', 'S3 endpoint (an S3-compatible server); default: the region\'s')
    .action(async (opts: StorageFlags) => {
      const region = opts.region ?? ctx.io.env.ENVMGR_AWS_REGION ?? ctx.io.env.AWS_REGION;
      if (!region) throw new UsageError('give the region with --region (or ENVMGR_AWS_REGION), e.g. --region eu-west-1');
      if (!/^[A-Za-z0-9_.-]{0,64}$/.test(opts.tablePrefix)) throw new UsageError(`--table-prefix must be up to 64 letters, digits, _ . or -, got '${opts.tablePrefix}'`);
      const rows: string[][] = [];
      const dynamodb = createDynamoClient({ region, endpoint: opts.endpoint });
      try {
        const created = new Set(await createTables({ client: dynamodb, tablePrefix: opts.tablePrefix }));
        for (const name of tableNames(opts.tablePrefix).all()) rows.push(['table', name, created.has(name) ? 'created' : 'exists']);
      } finally {
        dynamodb.destroy();
      }
      if (opts.bucket) {
        const s3 = createS3Client({ region, endpoint: opts.s3Endpoint });
        try {
          const created = await createBuckets(s3, [opts.bucket]);
          rows.push(['bucket', opts.bucket, created.includes(opts.bucket) ? 'created' : 'exists']);
        } finally {
          s3.destroy();
        }
      }
      for (const l of table(['KIND', 'NAME', 'CHANGE'], rows)) ctx.out(l);
    });
}
