import type { Lock } from '@envmgr/ports';
import type { BackupDeps } from './backup-deps.js';
import { readManifests } from './list-backups.js';
import { BACKUP_ACTOR, runBackup, type BackupOutcome } from './create-backup.js';

export const BACKUP_LOCK = 'backup';
const DAY_MS = 86_400_000;

/** `HH:MM` (UTC) as ms after midnight; undefined when it is not a time of day. */
export function parseTimeOfDay(text: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? (Number(m[1]) * 60 + Number(m[2])) * 60_000 : undefined;
}

/** The latest time at or before `nowMs` that falls on `timeOfDayMs` (UTC). */
export function lastSlotMs(nowMs: number, timeOfDayMs: number): number {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS + timeOfDayMs;
  return today <= nowMs ? today : today - DAY_MS;
}

/**
 * Whether the nightly backup is due: the latest slot has passed and no backup was made since. `sinceMs` is the
 * later of the newest backup and the job's start, so a new installation backs up at its first slot, not at once.
 */
export function isBackupDue(nowMs: number, timeOfDayMs: number, sinceMs: number): boolean {
  return lastSlotMs(nowMs, timeOfDayMs) > sinceMs;
}

export interface BackupJobOptions {
  lock: Lock;
  /** This process's name as a lock holder. */
  holder: string;
  /** When the nightly backup runs, ms after midnight UTC (see `parseTimeOfDay`). */
  timeOfDayMs: number;
  /** Lease of the backup lock; longer than a backup takes. @default 900000 (15 min) */
  leaseMs?: number;
}

export interface BackupJobResult {
  /** False when nothing was due, or another process holds the lock. */
  ran: boolean;
  outcome?: BackupOutcome;
}

export interface BackupJob {
  /** Makes the nightly backup when it is due and this process gets the lock. */
  run(): Promise<BackupJobResult>;
  /** Makes a backup now (on the lock holder), whatever the time: the Lambda handler's pass. */
  runNow(): Promise<BackupJobResult>;
}

/**
 * The nightly backup (SPEC §10): at the configured time of day, on the holder of the backup lock only, a backup of
 * the whole configuration and audit, then the retention count applied. Whether one is due is read from the backups
 * themselves, so a restart or another server taking over neither repeats nor skips a night.
 */
export function createBackupJob(deps: BackupDeps, opts: BackupJobOptions): BackupJob {
  const startedAtMs = deps.clock.now();
  let passes = 0;
  const newestMs = async () => {
    const newest = (await readManifests(deps.blobs))[0];
    return newest ? Date.parse(newest.createdAt) : Number.NEGATIVE_INFINITY;
  };
  const due = async () => isBackupDue(deps.clock.now(), opts.timeOfDayMs, Math.max(startedAtMs, await newestMs()));
  const locked = async (check: () => Promise<boolean>): Promise<BackupJobResult> => {
    const got = await opts.lock.tryAcquire(BACKUP_LOCK, opts.holder, opts.leaseMs ?? 900_000);
    if (!got.acquired) return { ran: false };
    try {
      // checked again under the lock: another server may have made tonight's backup meanwhile
      if (!(await check())) return { ran: false };
      const outcome = await runBackup(deps, { actor: BACKUP_ACTOR, requestId: `${opts.holder}#${++passes}` });
      return { ran: true, outcome };
    } finally {
      await opts.lock.release(BACKUP_LOCK, opts.holder);
    }
  };
  return {
    async run() {
      return (await due()) ? locked(due) : { ran: false };
    },
    runNow: () => locked(() => Promise.resolve(true)),
  };
}
