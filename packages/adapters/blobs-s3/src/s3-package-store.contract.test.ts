import { packageStoreContract } from '@envmgr/ports/testing';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuckets } from './buckets.js';
import { createS3PackageStore } from './s3-package-store.js';
import { motoServerMissing, startMotoServer, type MotoServer } from './testing/moto-server.js';

const missing = motoServerMissing();
if (missing) console.warn(`s3-package-store.contract.test.ts skipped: ${missing}`);

async function* bytes(text: string): AsyncIterable<Uint8Array> {
  yield new TextEncoder().encode(text);
}

describe.skipIf(missing !== undefined)('S3 package store on the moto server', () => {
  let moto: MotoServer;
  let n = 0;
  beforeAll(async () => {
    moto = await startMotoServer();
  });
  afterAll(() => moto?.stop());

  // each case gets a bucket of its own on the one server of this file
  packageStoreContract('s3', async () => {
    const client = moto.client();
    const bucket = `packages-${++n}`;
    await createBuckets(client, [bucket]);
    return { store: createS3PackageStore({ client, bucket, prefix: 'p/' }), dispose: async () => client.destroy() };
  });

  it('keeps packages at the keys SPEC §4 names, with no staging copy left behind', async () => {
    const client = moto.client();
    await createBuckets(client, ['layout']);
    const store = createS3PackageStore({ client, bucket: 'layout' });
    await store.put({ service: 'Hello', version: '1.0.0' }, bytes('a'));
    await store.put({ service: 'Hello', version: '1.0.0', environment: 'c50' }, bytes('b'));
    await store.put({ service: 'Hello', version: '1.0.0' }, bytes('again')).catch(() => undefined);
    const keys = ((await client.send(new ListObjectsV2Command({ Bucket: 'layout' }))).Contents ?? []).map((o) => o.Key);
    expect(keys).toEqual(['Hello/1.0.0/Hello-1.0.0.zip', 'Hello/1.0.0/c50/Hello-1.0.0-c50.zip']);
    client.destroy();
  });
});
