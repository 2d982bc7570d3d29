import { randomUUID } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { PackageExistsError } from '@envmgr/domain';
import { checkPackageRef, checkStoragePart, type PackageInfo, type PackageListing, type PackageRef, type PackageStore } from '@envmgr/ports';
import { isNotFound, translate } from './s3-errors.js';
import { uploadStream } from './upload.js';

export interface S3PackageStoreOptions {
  client: S3Client;
  bucket: string;
  /** Prepended to every key, e.g. `packages/`; empty or ending in `/`. @default '' */
  prefix?: string;
}

// uploads are staged under a name no package key can take (a part of a ref never starts with '.')
const STAGING = '.staging/';
// the largest part UploadPartCopy takes
const COPY_PART_BYTES = 5 * 1024 ** 3;

/**
 * A PackageStore in an S3 bucket, keyed as SPEC §4 stores packages: `<svc>/<ver>[/<env>]/<svc>-<ver>[-<env>].zip`.
 *
 * Put-once without a lock: an upload is first streamed to a staging key (hashing it on the way), then copied into
 * place by a multipart copy that carries the checksum as object metadata and completes only if no object has the
 * key yet (`If-None-Match: *`), so of two racing uploads exactly one completes and the other gets
 * `PackageExistsError`. A package is visible only once complete; the staging copy is deleted either way. Packages
 * larger than 10,000 × 5 GiB cannot be copied (S3's limits).
 */
export function createS3PackageStore(opts: S3PackageStoreOptions): PackageStore {
  const { client, bucket } = opts;
  const prefix = opts.prefix ?? '';
  const keyOf = (ref: PackageRef) => `${prefix}${packageKey(ref)}`;
  const fail = (what: string) => (err: unknown) => translate(err, bucket, what);
  const head = async (key: string) => {
    try {
      return await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw fail('read a package')(err);
    }
  };
  const info = async (key: string): Promise<PackageInfo | undefined> => {
    const res = await head(key);
    if (!res) return undefined;
    return { sha256: res.Metadata?.['sha256'] ?? '', sizeBytes: res.ContentLength ?? 0, storedAt: (res.LastModified ?? new Date(0)).toISOString() };
  };

  return {
    async put(ref, body) {
      checkPackageRef(ref);
      const key = keyOf(ref);
      // refused before reading the body when the version is known to exist; the conditional copy settles races
      if (await head(key)) throw new PackageExistsError(ref);
      const staging = `${prefix}${STAGING}${randomUUID()}`;
      const stored = await uploadStream(client, { bucket, key: staging, translate: fail('store a package') }, body);
      try {
        await copyIntoPlace(client, { bucket, from: staging, to: key, sizeBytes: stored.sizeBytes, metadata: { sha256: stored.sha256 } }, ref);
      } finally {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: staging })).catch(() => undefined);
      }
      return stored;
    },
    async open(ref) {
      checkPackageRef(ref);
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keyOf(ref) }));
        return res.Body as AsyncIterable<Uint8Array> | undefined;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw fail('read a package')(err);
      }
    },
    async stat(ref) {
      checkPackageRef(ref);
      return info(keyOf(ref));
    },
    async listVersions(service) {
      checkStoragePart('the service of a package', service);
      let refs: PackageRef[];
      try {
        refs = await listRefs(client, { bucket, prefix, service });
      } catch (err) {
        throw fail('list packages')(err);
      }
      const out: PackageListing[] = [];
      for (const ref of refs) {
        const i = await info(keyOf(ref));
        if (i) out.push({ ...i, version: ref.version, ...(ref.environment !== undefined ? { environment: ref.environment } : {}) });
      }
      return out.sort(byVersionThenEnvironment);
    },
  };
}

/** `<svc>/<ver>[/<env>]/<svc>-<ver>[-<env>].zip` (SPEC §4). */
export function packageKey(ref: PackageRef): string {
  const env = ref.environment;
  return env === undefined ? `${ref.service}/${ref.version}/${ref.service}-${ref.version}.zip` : `${ref.service}/${ref.version}/${env}/${ref.service}-${ref.version}-${env}.zip`;
}

async function copyIntoPlace(
  client: S3Client,
  c: { bucket: string; from: string; to: string; sizeBytes: number; metadata: Record<string, string> },
  ref: PackageRef,
): Promise<void> {
  const { bucket, to } = c;
  let uploadId: string | undefined;
  try {
    const started = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: to, Metadata: c.metadata, ContentType: 'application/zip' }));
    uploadId = started.UploadId;
    const parts: { ETag: string; PartNumber: number }[] = [];
    // an empty package is one empty part; otherwise parts of up to 5 GiB
    for (let at = 0, n = 1; at < c.sizeBytes || n === 1; at += COPY_PART_BYTES, n++) {
      const range = c.sizeBytes === 0 ? undefined : `bytes=${at}-${Math.min(c.sizeBytes, at + COPY_PART_BYTES) - 1}`;
      const res = await client.send(
        new UploadPartCopyCommand({ Bucket: bucket, Key: to, UploadId: uploadId, PartNumber: n, CopySource: `${bucket}/${encodeURIComponent(c.from).replace(/%2F/g, '/')}`, ...(range ? { CopySourceRange: range } : {}) }),
      );
      parts.push({ ETag: res.CopyPartResult?.ETag ?? '', PartNumber: n });
    }
    await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId: uploadId, MultipartUpload: { Parts: parts }, IfNoneMatch: '*' }));
    uploadId = undefined;
  } catch (err) {
    if (uploadId) await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId: uploadId })).catch(() => undefined);
    if (isPreconditionFailed(err)) throw new PackageExistsError(ref);
    throw translate(err, bucket, 'store a package');
  }
}

/** 412 (another upload completed first) or 409 (S3 resolving two completes at once). */
function isPreconditionFailed(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return err.name === 'PreconditionFailed' || err.name === 'ConditionalRequestConflict' || status === 412 || status === 409;
}

/** The refs stored under one service, from their keys; anything else under it (there should be nothing) is skipped. */
async function listRefs(client: S3Client, q: { bucket: string; prefix: string; service: string }): Promise<PackageRef[]> {
  const base = `${q.prefix}${q.service}/`;
  const refs: PackageRef[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: q.bucket, Prefix: base, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      const ref = o.Key ? refOf(q.service, o.Key.slice(base.length)) : undefined;
      if (ref) refs.push(ref);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return refs;
}

function refOf(service: string, rest: string): PackageRef | undefined {
  const parts = rest.split('/');
  const [version, second, third] = parts;
  if (version === undefined || second === undefined) return undefined;
  const ref: PackageRef = parts.length === 2 ? { service, version } : { service, version, environment: second };
  const file = parts.length === 2 ? second : third;
  return parts.length <= 3 && file !== undefined && packageKey(ref) === `${service}/${rest}` ? ref : undefined;
}

function byVersionThenEnvironment(a: PackageListing, b: PackageListing): number {
  if (a.version !== b.version) return a.version < b.version ? -1 : 1;
  if (a.environment === b.environment) return 0;
  if (a.environment === undefined) return -1;
  if (b.environment === undefined) return 1;
  return a.environment < b.environment ? -1 : 1;
}
