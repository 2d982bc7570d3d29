import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createSchedulerPass, type SchedulerPass, type SchedulerRunResult, type SchedulingDeps } from '@envmgr/app';
import { createMemoryScheduleActionLog } from '@envmgr/adapter-memory';
import { createSqliteScheduleActionLog } from '@envmgr/adapter-config-sqlite';
import type { HttpLogger } from '@envmgr/http';
import type { Lock, ScheduleActionLog } from '@envmgr/ports';
import type { ServerConfig } from '../config.js';
import { startPassLoop } from '../pass-loop.js';

/** The scheduler's action log: beside the other stores (`schedule-actions.db`), or in memory with `ENVMGR_STORE=memory`. */
export function buildScheduleActionLog(config: Pick<ServerConfig, 'store' | 'dataDir'>): ScheduleActionLog {
  return config.store === 'memory' ? createMemoryScheduleActionLog() : createSqliteScheduleActionLog({ path: join(config.dataDir, 'schedule-actions.db') });
}

export interface SchedulerLoop {
  /** Runs a pass now (unless one is running), then keeps the interval. */
  wake(): void;
  stop(): Promise<void>;
}

export interface SchedulerLoopOptions {
  lock: Lock;
  intervalMs: number;
  whatIf: boolean;
  limitToEnvironment?: RegExp | undefined;
  logger: HttpLogger;
  /** @default `envmgr-<pid>-<random>` */
  holder?: string;
  /** Age at which action records are pruned. @default the pass's (400 days) */
  retentionMs?: number;
  /** The scheduler lock's lease. @default 3 × `intervalMs`, at least 60 s */
  leaseMs?: number | undefined;
}

/**
 * Runs the scheduler's passes in this process (ARCHITECTURE §1): one at start, then one every `intervalMs`, on the
 * holder of the scheduler lock only. Each pass is logged with what it did; each failure on its own line.
 */
export function startSchedulerLoop(deps: SchedulingDeps, opts: SchedulerLoopOptions): SchedulerLoop {
  const pass: SchedulerPass = createSchedulerPass(deps, {
    lock: opts.lock,
    holder: opts.holder ?? `envmgr-${process.pid}-${randomUUID().slice(0, 8)}`,
    // another server takes over when this one has missed about three passes
    leaseMs: opts.leaseMs ?? Math.max(3 * opts.intervalMs, 60_000),
    whatIf: opts.whatIf,
    limitToEnvironment: opts.limitToEnvironment,
    ...(opts.retentionMs !== undefined ? { retentionMs: opts.retentionMs } : {}),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    onFailure: (f) => opts.logger.warn({ ...f }, 'scheduler: an action failed; it is retried on a later pass'),
  });
  const loop = startPassLoop({
    pass: () =>
      pass.run().then(
        (r) => report(opts.logger, r, opts.whatIf),
        (err: unknown) => opts.logger.error({ err }, 'scheduler: a pass failed; it is retried at the next interval'),
      ).then(() => opts.intervalMs),
  });
  return {
    wake: () => loop.wake(),
    async stop() {
      await loop.stop();
      await pass.release();
    },
  };
}

function report(logger: HttpLogger, r: SchedulerRunResult, whatIf: boolean): void {
  if (!r.leading || (r.acted === 0 && r.failures.length === 0 && r.deferred === 0)) return;
  const summary = { runId: r.runId, decided: r.decided, acted: r.acted, deferred: r.deferred, failed: r.failures.length };
  logger.info(summary, whatIf ? 'scheduler (what-if): a pass would have acted' : 'scheduler: a pass acted');
}
