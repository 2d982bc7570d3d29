import { randomUUID } from 'node:crypto';
import { createBackupJob, type BackupDeps, type BackupJobResult } from '@envmgr/app';
import type { HttpLogger } from '@envmgr/http';
import type { Lock } from '@envmgr/ports';

export interface BackupLoop {
  stop(): Promise<void>;
}

export interface BackupLoopOptions {
  lock: Lock;
  /** ms after midnight UTC of the nightly backup. */
  timeOfDayMs: number;
  logger: HttpLogger;
  /** How often the loop looks whether a backup is due. @default 60000 */
  checkIntervalMs?: number;
  /** @default `envmgr-<pid>-<random>` */
  holder?: string;
}

/**
 * Runs the nightly backup in this process (ARCHITECTURE §1): every `checkIntervalMs` it asks the job whether a
 * backup is due, and the job backs up on the holder of the backup lock only. The timer does not keep the process up.
 */
export function startBackupLoop(deps: BackupDeps, opts: BackupLoopOptions): BackupLoop {
  const job = createBackupJob(deps, { lock: opts.lock, holder: opts.holder ?? `envmgr-${process.pid}-${randomUUID().slice(0, 8)}`, timeOfDayMs: opts.timeOfDayMs });
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = job.run().then(
      (r) => report(opts.logger, r),
      (err: unknown) => opts.logger.error({ err }, 'backup: the nightly backup failed; it is tried again at the next check'),
    ).finally(() => {
      running = undefined;
    });
  };
  const timer = setInterval(tick, opts.checkIntervalMs ?? 60_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      if (running) await running;
    },
  };
}

function report(logger: HttpLogger, r: BackupJobResult): void {
  if (!r.outcome) return;
  const { backup, pruned } = r.outcome;
  logger.info({ backup: backup.id, items: backup.items, auditRecords: backup.auditRecords, pruned }, 'backup: nightly backup written');
}
