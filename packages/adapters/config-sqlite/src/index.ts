export { createSqliteConfigStore, type SqliteConfigStoreOptions } from './sqlite-config-store.js';
export { createSqliteCredentialStore } from './sqlite-credential-store.js';
export { createSqliteDeploymentStore } from './sqlite-deployment-store.js';
export { createSqliteScheduleActionLog } from './sqlite-schedule-action-log.js';
export { createSqliteNotificationStore } from './sqlite-notification-store.js';
