import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface PresignOptions {
  client: S3Client;
  bucket: string;
  key: string;
  /** Lifetime of the URL. @default 900 (15 min) */
  expiresInSeconds?: number;
}

/** A URL that lets its holder PUT the object's bytes once, without AWS credentials, until it expires. */
export function presignUpload(opts: PresignOptions): Promise<string> {
  return getSignedUrl(opts.client, new PutObjectCommand({ Bucket: opts.bucket, Key: opts.key }), { expiresIn: opts.expiresInSeconds ?? 900 });
}

/** A URL that lets its holder GET the object until it expires. */
export function presignDownload(opts: PresignOptions): Promise<string> {
  return getSignedUrl(opts.client, new GetObjectCommand({ Bucket: opts.bucket, Key: opts.key }), { expiresIn: opts.expiresInSeconds ?? 900 });
}
