import { parseReply, type Send } from '../client/transport.js';
import { BackupCreatedSchema, BackupListSchema, RestoreResultSchema, type BackupCreatedDto, type BackupDto, type RestoreResultDto } from './backup-schemas.js';

/**
 * Backups (docs/backup-and-replication.md), for administrators: `permission-denied` (403) for anyone else,
 * `not-found` (404) for an unknown backup, `backup-too-new` (422) for a backup of a newer server.
 */
export interface BackupApi {
  /** Backs up the whole configuration and audit now, then applies the retention count. */
  backupNow(): Promise<BackupCreatedDto>;
  /** Every complete backup, newest first. */
  backups(): Promise<BackupDto[]>;
  /** Makes the configuration equal to the backup's; with `dryRun`, only reports what that would change. */
  restoreBackup(id: string, options?: { dryRun?: boolean }): Promise<RestoreResultDto>;
}

export function createBackupApi(send: Send): BackupApi {
  return {
    async backupNow() {
      return parseReply(await send({ method: 'POST', path: 'backups', body: {} }), BackupCreatedSchema);
    },
    async backups() {
      return parseReply(await send({ method: 'GET', path: 'backups' }), BackupListSchema);
    },
    async restoreBackup(id, options = {}) {
      const reply = await send({ method: 'POST', path: `backups/${encodeURIComponent(id)}/restore`, query: { dryRun: options.dryRun ?? false }, body: {} });
      return parseReply(reply, RestoreResultSchema);
    },
  };
}
