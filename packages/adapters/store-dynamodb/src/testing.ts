export { dynamoDbLocalMissing, startDynamoDbLocal, testClient, type DynamoDbLocal } from './testing/dynamodb-local.js';
