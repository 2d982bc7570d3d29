import { scheduleActionLogContract } from '@envmgr/ports/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { createDynamoScheduleActionLog } from './dynamo-schedule-action-log.js';
import { createTables } from './tables.js';
import { dynamoDbLocalMissing, startDynamoDbLocal, type DynamoDbLocal } from './testing/dynamodb-local.js';

const missing = dynamoDbLocalMissing();
if (missing) console.warn(`dynamo-schedule-action-log.contract.test.ts skipped: ${missing}`);

describe.skipIf(missing !== undefined)('DynamoDB schedule action log on DynamoDB Local', () => {
  let local: DynamoDbLocal;
  let n = 0;
  beforeAll(async () => {
    local = await startDynamoDbLocal();
  });
  afterAll(() => local?.stop());

  scheduleActionLogContract('dynamodb', async () => {
    const client = local.client();
    const tablePrefix = `s${++n}-`;
    await createTables({ client, tablePrefix, only: ['schedule-actions'] });
    return { log: createDynamoScheduleActionLog({ client, tablePrefix }), dispose: async () => client.destroy() };
  });
});
