export { createDynamoConfigStore, type DynamoConfigStoreOptions } from './dynamo-config-store.js';
export { checkTables, createTables, missingTables, tableNames, type StorageOptions, type TableGroup, type TableNames } from './tables.js';
export type { RetryPolicy } from './dynamo-errors.js';
export { createDynamoLock, type DynamoLockOptions } from './dynamo-lock.js';
export { createDynamoClient, type DynamoClientOptions } from './client.js';
export { createDynamoDeploymentStore, type DynamoDeploymentStoreOptions } from './dynamo-deployment-store.js';
export { createDynamoCredentialStore, type DynamoCredentialStoreOptions } from './dynamo-credential-store.js';
export { createDynamoScheduleActionLog, type DynamoScheduleActionLogOptions } from './dynamo-schedule-action-log.js';
