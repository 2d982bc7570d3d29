import { lockContract } from '@envmgr/ports/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { createDynamoLock } from './dynamo-lock.js';
import { createTables } from './tables.js';
import { dynamoDbLocalMissing, startDynamoDbLocal, type DynamoDbLocal } from './testing/dynamodb-local.js';

const missing = dynamoDbLocalMissing();
if (missing) console.warn(`dynamo-lock.contract.test.ts skipped: ${missing}`);

describe.skipIf(missing !== undefined)('DynamoDB lock on DynamoDB Local', () => {
  let local: DynamoDbLocal;
  let n = 0;
  beforeAll(async () => {
    local = await startDynamoDbLocal();
  });
  afterAll(() => local?.stop());

  lockContract('dynamodb', async (clock) => {
    const client = local.client();
    const tablePrefix = `l${++n}-`;
    await createTables({ client, tablePrefix, only: ['locks'] });
    return { lock: createDynamoLock({ client, clock, tablePrefix }), dispose: async () => client.destroy() };
  });
});
