import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { DependencyUnavailableError } from '@envmgr/domain';
import { isNotFound } from './s3-errors.js';

/** The buckets of `buckets` that do not exist. */
export async function missingBuckets(client: S3Client, buckets: readonly string[]): Promise<string[]> {
  const found = await Promise.all(
    buckets.map(async (bucket) => {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
        return undefined;
      } catch (err) {
        if (isNotFound(err)) return bucket;
        throw new DependencyUnavailableError(`cannot check the S3 bucket '${bucket}' (${err instanceof Error ? err.name : 'unknown error'}); check the endpoint, region and credentials`, { bucket }, { cause: err });
      }
    }),
  );
  return found.filter((b): b is string => b !== undefined);
}

/**
 * Checks at start-up that every bucket exists.
 * @throws DependencyUnavailableError naming the missing buckets and the command that creates them.
 */
export async function checkBuckets(client: S3Client, buckets: readonly string[]): Promise<void> {
  const missing = await missingBuckets(client, buckets);
  if (missing.length === 0) return;
  throw new DependencyUnavailableError(
    `the S3 bucket${missing.length > 1 ? 's' : ''} ${missing.map((b) => `'${b}'`).join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist; create them with \`envmgr setup storage\` (docs/aws.md#storage)`,
    { buckets: missing },
  );
}

/** Creates the buckets that do not exist (in the client's region); returns the ones it created. */
export async function createBuckets(client: S3Client, buckets: readonly string[]): Promise<string[]> {
  const missing = await missingBuckets(client, buckets);
  const region = await client.config.region();
  for (const bucket of missing) {
    await client.send(new CreateBucketCommand({ Bucket: bucket, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as 'eu-west-1' } }) }));
  }
  return missing;
}
