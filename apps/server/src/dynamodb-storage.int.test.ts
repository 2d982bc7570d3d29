import { createTables } from '@envmgr/adapter-store-dynamodb';
import { dynamoDbLocalMissing, startDynamoDbLocal, type DynamoDbLocal } from '@envmgr/adapter-store-dynamodb/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './testing.js';

// Issue 9: the server composed with ENVMGR_STORE=dynamodb keeps configuration and audit in DynamoDB (Local here).
const missing = dynamoDbLocalMissing();
if (missing) console.warn(`dynamodb-storage.int.test.ts skipped: ${missing}`);

describe.skipIf(missing !== undefined)('EM on DynamoDB', () => {
  let local: DynamoDbLocal;
  let env: Record<string, string>;
  beforeAll(async () => {
    local = await startDynamoDbLocal();
    // the SDK's credential chain reads these; DynamoDB Local accepts any
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
    env = { ENVMGR_STORE: 'dynamodb', ENVMGR_AWS_REGION: 'eu-west-1', ENVMGR_DYNAMODB_ENDPOINT: local.endpoint, ENVMGR_TABLE_PREFIX: 'it-', ENVMGR_EDGE_PORT: 'off' };
  });
  afterAll(() => local?.stop());

  it('refuses to start while a table is missing, naming it and the command that creates it', async () => {
    const err: unknown = await startServer({ env }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'unavailable' });
    expect((err as Error).message).toContain("'it-InfraConfigAccounts'");
    expect((err as Error).message).toContain('envmgr setup storage');
  });

  it('creates and reads an item through the API, audited in DynamoDB', async () => {
    const client = local.client();
    await createTables({ client, tablePrefix: 'it-' });
    client.destroy();
    let em: RunningServer | undefined;
    try {
      em = await startServer({ env });
      const created = await em.fetch('/api/v1/config/clusters', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ClusterName: 'Infra', Value: { ShortName: 'IN' } }),
      });
      expect(created.status).toBe(201);
      const got = await em.fetch('/api/v1/config/clusters/Infra');
      expect(await got.json()).toMatchObject({ ClusterName: 'Infra', Value: { ShortName: 'IN' }, Version: 1 });
      const chain = await em.server.store.auditChain(0, 100);
      expect(chain.map((r) => [r.entityType, r.key, r.changeType])).toContainEqual(['clusters', 'Infra', 'Created']);
      expect((await em.server.lock.tryAcquire('it-probe', 'x', 1000)).acquired).toBe(true);
    } finally {
      await em?.stop();
    }
  });
});
