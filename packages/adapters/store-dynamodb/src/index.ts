export { createDynamoConfigStore, type DynamoConfigStoreOptions } from './dynamo-config-store.js';
export { checkTables, createTables, missingTables, tableNames, type StorageOptions, type TableGroup, type TableNames } from './tables.js';
export type { RetryPolicy } from './dynamo-errors.js';
export { createDynamoLock, type DynamoLockOptions } from './dynamo-lock.js';
export { createDynamoClient, type DynamoClientOptions } from './client.js';
