import { configStoreContract } from '@envmgr/ports/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createDynamoConfigStore } from './dynamo-config-store.js';
import { createTables } from './tables.js';
import { dynamoDbLocalMissing, startDynamoDbLocal, type DynamoDbLocal } from './testing/dynamodb-local.js';

const missing = dynamoDbLocalMissing();
if (missing) console.warn(`dynamo-config-store.contract.test.ts skipped: ${missing}`);

describe.skipIf(missing !== undefined)('DynamoDB config store on DynamoDB Local', () => {
  let local: DynamoDbLocal;
  let n = 0;
  beforeAll(async () => {
    local = await startDynamoDbLocal();
  });
  afterAll(() => local?.stop());

  // each case gets tables of its own, under a fresh prefix, on the one server of this file
  configStoreContract('dynamodb', async () => {
    const client = local.client();
    const tablePrefix = `c${++n}-`;
    await createTables({ client, tablePrefix, only: ['config'] });
    const store = createDynamoConfigStore({ client, tablePrefix });
    return {
      store,
      dispose: async () => {
        await store.close();
        client.destroy();
      },
    };
  });
  it('runs the contract', () => undefined);
});
