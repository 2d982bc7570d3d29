import { deploymentStoreContract } from '@envmgr/ports/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { createDynamoDeploymentStore } from './dynamo-deployment-store.js';
import { createTables } from './tables.js';
import { dynamoDbLocalMissing, startDynamoDbLocal, type DynamoDbLocal } from './testing/dynamodb-local.js';

const missing = dynamoDbLocalMissing();
if (missing) console.warn(`dynamo-deployment-store.contract.test.ts skipped: ${missing}`);

describe.skipIf(missing !== undefined)('DynamoDB deployment store on DynamoDB Local', () => {
  let local: DynamoDbLocal;
  let n = 0;
  beforeAll(async () => {
    local = await startDynamoDbLocal();
  });
  afterAll(() => local?.stop());

  deploymentStoreContract('dynamodb', async (indexOf) => {
    const client = local.client();
    const tablePrefix = `d${++n}-`;
    await createTables({ client, tablePrefix, only: ['deployments'] });
    return { store: createDynamoDeploymentStore({ client, indexOf, tablePrefix }), dispose: async () => client.destroy() };
  });
});
