import { credentialStoreContract } from '@envmgr/ports/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { createDynamoCredentialStore } from './dynamo-credential-store.js';
import { createTables } from './tables.js';
import { dynamoDbLocalMissing, startDynamoDbLocal, type DynamoDbLocal } from './testing/dynamodb-local.js';

const missing = dynamoDbLocalMissing();
if (missing) console.warn(`dynamo-credential-store.contract.test.ts skipped: ${missing}`);

describe.skipIf(missing !== undefined)('DynamoDB credential store on DynamoDB Local', () => {
  let local: DynamoDbLocal;
  let n = 0;
  beforeAll(async () => {
    local = await startDynamoDbLocal();
  });
  afterAll(() => local?.stop());

  credentialStoreContract('dynamodb', async () => {
    const client = local.client();
    const tablePrefix = `c${++n}-`;
    await createTables({ client, tablePrefix, only: ['credentials'] });
    return { store: createDynamoCredentialStore({ client, tablePrefix }), dispose: async () => client.destroy() };
  });
});
