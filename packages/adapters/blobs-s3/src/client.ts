import { S3Client } from '@aws-sdk/client-s3';

export interface S3ClientOptions {
  region: string;
  /** An endpoint URL of an S3-compatible server; addressed path-style. @default the region's endpoint */
  endpoint?: string | undefined;
}

/** An S3 client with the SDK's standard credential chain, for the composition root to share between S3 adapters. */
export function createS3Client(opts: S3ClientOptions): S3Client {
  return new S3Client({
    region: opts.region,
    // S3-compatible servers (moto, s3rver) serve path-style URLs and compute no optional checksums
    ...(opts.endpoint ? { endpoint: opts.endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
  });
}
