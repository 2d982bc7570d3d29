import type { BlobStore, Clock, ConfigStore, EventBus, Hasher } from '@envmgr/ports';

/** What the backup use cases work with. */
export interface BackupDeps {
  /** The configuration and audit to back up, and to restore into. */
  store: ConfigStore;
  /** Where backups are kept, under `backups/` (a folder in embedded mode, S3 in AWS mode). */
  blobs: BlobStore;
  clock: Clock;
  hasher: Hasher;
  /** Backups kept; older ones are deleted after each new one. @default 14 */
  retention?: number;
  /** When given, `backup.created`, `backup.deleted` and `backup.restored` are announced on it. */
  events?: EventBus;
}

export const DEFAULT_BACKUP_RETENTION = 14;
