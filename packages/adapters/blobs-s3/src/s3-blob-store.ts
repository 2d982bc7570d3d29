import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { checkBlobKey, checkBlobPrefix, type BlobInfo, type BlobStore } from '@envmgr/ports';
import { isNotFound, translate } from './s3-errors.js';
import { uploadStream } from './upload.js';

export interface S3BlobStoreOptions {
  client: S3Client;
  bucket: string;
  /** Prepended to every key, e.g. `em/`; empty or ending in `/`. @default '' */
  prefix?: string;
}

/**
 * A BlobStore (deployment logs, backups) in an S3 bucket. The SDK client retries throttled requests itself
 * (`SlowDown`); what still fails is translated to `DependencyUnavailableError`.
 */
export function createS3BlobStore(opts: S3BlobStoreOptions): BlobStore {
  const { client, bucket } = opts;
  const prefix = opts.prefix ?? '';
  const guard = async <T>(what: string, op: () => Promise<T>): Promise<T> => {
    try {
      return await op();
    } catch (err) {
      throw translate(err, bucket, what);
    }
  };
  const head = async (key: string) => {
    try {
      return await client.send(new HeadObjectCommand({ Bucket: bucket, Key: prefix + key }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };

  return {
    async put(key, body) {
      checkBlobKey(key);
      return uploadStream(client, { bucket, key: prefix + key, translate: (err) => translate(err, bucket, 'store a blob') }, body);
    },
    async open(key) {
      checkBlobKey(key);
      return guard('read a blob', async () => {
        try {
          const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: prefix + key }));
          return res.Body as AsyncIterable<Uint8Array> | undefined;
        } catch (err) {
          if (isNotFound(err)) return undefined;
          throw err;
        }
      });
    },
    async stat(key) {
      checkBlobKey(key);
      return guard('read a blob', async () => {
        const res = await head(key);
        return res ? { key, sizeBytes: res.ContentLength ?? 0, storedAt: (res.LastModified ?? new Date(0)).toISOString() } : undefined;
      });
    },
    async list(listPrefix) {
      checkBlobPrefix(listPrefix);
      return guard('list blobs', async () => {
        const out: BlobInfo[] = [];
        let token: string | undefined;
        do {
          const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix + listPrefix, ContinuationToken: token }));
          for (const o of page.Contents ?? []) {
            if (o.Key) out.push({ key: o.Key.slice(prefix.length), sizeBytes: o.Size ?? 0, storedAt: (o.LastModified ?? new Date(0)).toISOString() });
          }
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
        // S3 lists in UTF-8 byte order; the port promises code-unit order
        return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      });
    },
    async delete(key) {
      checkBlobKey(key);
      return guard('delete a blob', async () => {
        // S3 deletes a missing key without complaint, so ask first to answer whether there was one
        if (!(await head(key))) return false;
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: prefix + key }));
        return true;
      });
    },
  };
}
