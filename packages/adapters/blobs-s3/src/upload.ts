import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

/** Size of each part of a multipart upload; S3 needs at least 5 MiB for all parts but the last. */
export const PART_BYTES = 8 * 1024 * 1024;

export interface Uploaded {
  sha256: string;
  sizeBytes: number;
}

/**
 * Streams `body` to `bucket/key`, hashing it on the way. A body that fits in one part is one PutObject; a larger
 * one a multipart upload, which S3 makes visible only when it completes. Either way readers see the old object or
 * the new one, and a body that throws leaves the old one (the multipart upload is aborted).
 */
export async function uploadStream(
  client: S3Client,
  target: { bucket: string; key: string; translate: (err: unknown) => unknown },
  body: AsyncIterable<Uint8Array>,
): Promise<Uploaded> {
  const { bucket, key } = target;
  // S3's failures are translated; the body's own are passed on as they are (the caller's stream failed, not S3)
  const s3 = async <T>(op: () => Promise<T>): Promise<T> => {
    try {
      return await op();
    } catch (err) {
      throw target.translate(err);
    }
  };
  const hash = createHash('sha256');
  let sizeBytes = 0;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let multipart: { uploadId: string; parts: { ETag: string; PartNumber: number }[] } | undefined;
  const flushPart = async (): Promise<void> => {
    const upload = (multipart ??= { uploadId: await s3(() => startMultipart(client, bucket, key)), parts: [] });
    const PartNumber = upload.parts.length + 1;
    const res = await s3(() => client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: upload.uploadId, PartNumber, Body: Buffer.concat(pending) })));
    upload.parts.push({ ETag: res.ETag ?? '', PartNumber });
    pending = [];
    pendingBytes = 0;
  };
  try {
    for await (const chunk of body) {
      hash.update(chunk);
      sizeBytes += chunk.length;
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= PART_BYTES) await flushPart();
    }
    if (!multipart) {
      await s3(() => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.concat(pending), ContentLength: pendingBytes })));
      return { sha256: hash.digest('hex'), sizeBytes };
    }
    if (pendingBytes > 0) await flushPart();
    const { uploadId, parts } = multipart;
    await s3(() => client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } })));
    return { sha256: hash.digest('hex'), sizeBytes };
  } catch (err) {
    // best effort: an upload left behind is removed by the bucket's lifecycle rule (docs/aws.md#storage)
    if (multipart) await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: multipart.uploadId })).catch(() => undefined);
    throw err;
  }
}

async function startMultipart(client: S3Client, bucket: string, key: string): Promise<string> {
  const res = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  if (!res.UploadId) throw new TypeError(`S3 started no multipart upload for '${key}'`);
  return res.UploadId;
}
