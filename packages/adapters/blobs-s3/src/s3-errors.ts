import { DependencyUnavailableError, DomainError } from '@envmgr/domain';

/** True for S3's "no such key" answers (GetObject says NoSuchKey, HeadObject only 404). */
export function isNotFound(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return err.name === 'NoSuchKey' || err.name === 'NotFound' || status === 404;
}

/** Translates what S3 threw into the domain's errors, keeping the original as `cause`. */
export function translate(err: unknown, bucket: string, what: string): unknown {
  if (err instanceof DomainError) return err;
  const name = err instanceof Error ? err.name : 'unknown error';
  if (name === 'NoSuchBucket') {
    return new DependencyUnavailableError(`the S3 bucket '${bucket}' does not exist; create it with \`envmgr setup storage\` (docs/aws.md#storage)`, { bucket }, { cause: err });
  }
  if (name === 'AccessDenied' || name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch') {
    return new DependencyUnavailableError(`S3 refused the credentials EM uses to ${what} in bucket '${bucket}'; check its IAM role (docs/aws.md#storage)`, { bucket }, { cause: err });
  }
  if (name === 'SlowDown' || name === 'ServiceUnavailable' || name === 'InternalError' || !(typeof err === 'object' && err !== null && '$fault' in err)) {
    return new DependencyUnavailableError(`S3 could not ${what} in bucket '${bucket}' (${name}); retry later`, { bucket }, { cause: err });
  }
  return err;
}
