export { createSqliteConfigStore, type SqliteConfigStoreOptions } from './sqlite-config-store.js';
