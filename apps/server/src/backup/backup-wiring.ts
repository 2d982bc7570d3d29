import { parseTimeOfDay, type BackupDeps } from '@envmgr/app';
import type { HttpLogger } from '@envmgr/http';
import type { Lock } from '@envmgr/ports';
import type { ServerConfig } from '../config.js';
import { startBackupLoop, type BackupLoop } from './backup-loop.js';

/** Starts the nightly backup unless ENVMGR_BACKUP is off. */
export function startConfiguredBackup(config: Pick<ServerConfig, 'backup' | 'backupTime'>, deps: BackupDeps, opts: { lock: Lock; logger: HttpLogger }): BackupLoop | undefined {
  if (config.backup === 'off') return undefined;
  // the config schema already checked the format, so the fallback is never used
  return startBackupLoop(deps, { ...opts, timeOfDayMs: parseTimeOfDay(config.backupTime) ?? 3 * 3_600_000 });
}
