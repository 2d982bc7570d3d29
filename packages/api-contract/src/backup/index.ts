export * from './backup-schemas.js';
export { createBackupApi, type BackupApi } from './backup-client.js';
