export { dynamoDbLocalMissing, startDynamoDbLocal, testClient, type DynamoDbLocal } from './testing/dynamodb-local.js';
export { lockHolders } from './testing/lock-holders.js';
