export { DEFAULT_BACKUP_RETENTION, type BackupDeps } from './backup-deps.js';
export { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, BACKUP_PREFIX, isBackupId, type BackupFile, type BackupManifest } from './backup-files.js';
export { BACKUP_ACTOR, backupNow, runBackup, type BackupOutcome } from './create-backup.js';
export { listBackups, pruneBackups, readManifest } from './list-backups.js';
export { documentItems, restoreBackup, type BackupDocumentParser, type RestoreOutcome } from './restore-backup.js';
export { BACKUP_LOCK, createBackupJob, isBackupDue, lastSlotMs, parseTimeOfDay, type BackupJob, type BackupJobOptions, type BackupJobResult } from './backup-job.js';
