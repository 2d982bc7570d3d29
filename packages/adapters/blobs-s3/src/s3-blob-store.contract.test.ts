import { blobStoreContract } from '@envmgr/ports/testing';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DependencyUnavailableError } from '@envmgr/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBuckets, createBuckets } from './buckets.js';
import { presignDownload, presignUpload } from './presign.js';
import { createS3BlobStore } from './s3-blob-store.js';
import { motoServerMissing, startMotoServer, type MotoServer } from './testing/moto-server.js';

const missing = motoServerMissing();
if (missing) console.warn(`s3-blob-store.contract.test.ts skipped: ${missing}`);

describe.skipIf(missing !== undefined)('S3 blob store on the moto server', () => {
  let moto: MotoServer;
  let n = 0;
  beforeAll(async () => {
    moto = await startMotoServer();
  });
  afterAll(() => moto?.stop());

  // each case gets a bucket of its own on the one server of this file
  blobStoreContract('s3', async () => {
    const client = moto.client();
    const bucket = `blobs-${++n}`;
    await createBuckets(client, [bucket]);
    return { store: createS3BlobStore({ client, bucket, prefix: 'em/' }), dispose: async () => client.destroy() };
  });

  it('hands out presigned URLs that upload and download without credentials', async () => {
    const client = moto.client();
    await createBuckets(client, ['presigned']);
    const put = await presignUpload({ client, bucket: 'presigned', key: 'Hello/1.0.0/Hello-1.0.0.zip', expiresInSeconds: 60 });
    expect(put).toMatch(/X-Amz-Signature=/);
    expect((await fetch(put, { method: 'PUT', body: 'zip bytes' })).status).toBe(200);
    const got = await fetch(await presignDownload({ client, bucket: 'presigned', key: 'Hello/1.0.0/Hello-1.0.0.zip' }));
    expect(await got.text()).toBe('zip bytes');
  });

  it('names a missing bucket at start-up and how to create it; a store on it answers 503', async () => {
    const client = moto.client();
    const err: unknown = await checkBuckets(client, ['no-such-bucket']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect((err as Error).message).toMatch(/'no-such-bucket' does not exist; create them with `envmgr setup storage`/);
    const store = createS3BlobStore({ client, bucket: 'no-such-bucket' });
    await expect(store.list('')).rejects.toMatchObject({ kind: 'unavailable', details: { bucket: 'no-such-bucket' } });
    await createBuckets(client, ['no-such-bucket']);
    await client.send(new PutObjectCommand({ Bucket: 'no-such-bucket', Key: 'x', Body: 'y' }));
    await expect(checkBuckets(client, ['no-such-bucket'])).resolves.toBeUndefined();
  });
});
