import { randomUUID } from 'node:crypto';
import { createReplicationJob, type ReplicationDeps, type ReplicationJob, type ReplicationJobResult } from '@envmgr/app';
import type { HttpLogger } from '@envmgr/http';
import type { Lock } from '@envmgr/ports';

export interface ReplicationLoop {
  /** The job, for `POST /replication/run`. */
  job: ReplicationJob;
  stop(): Promise<void>;
}

export interface ReplicationLoopOptions {
  lock: Lock;
  logger: HttpLogger;
  /** Pause between passes. @default 60000 */
  intervalMs?: number;
  /** @default `envmgr-<pid>-<random>` */
  holder?: string;
}

/**
 * Runs replication in this process (ARCHITECTURE §1): a pass every `intervalMs` on the holder of the replication
 * lock. Passes never overlap; the timer does not keep the process up.
 */
export function startReplicationLoop(deps: ReplicationDeps, opts: ReplicationLoopOptions): ReplicationLoop {
  const job = createReplicationJob(deps, {
    lock: opts.lock,
    holder: opts.holder ?? `envmgr-${process.pid}-${randomUUID().slice(0, 8)}`,
    // the stored status keeps the code and message; the log keeps the whole error
    onAccountError: (account, err) => opts.logger.warn({ account, err }, 'replication: an account failed this pass; the others went on'),
  });
  let running: Promise<ReplicationJobResult> | undefined;
  // one pass at a time: a pass asked for over the API waits for the current one to end
  const serial: ReplicationJob = {
    run: () => {
      const next = (running ?? Promise.resolve()).catch(() => undefined).then(() => job.run());
      running = next;
      next.then(
        () => (running === next ? (running = undefined) : undefined),
        () => (running === next ? (running = undefined) : undefined),
      );
      return next;
    },
  };
  const tick = () => {
    if (running) return;
    serial.run().then(
      (r) => report(opts.logger, r),
      (err: unknown) => opts.logger.error({ err }, 'replication: the pass failed; it is tried again at the next interval'),
    );
  };
  const timer = setInterval(tick, opts.intervalMs ?? 60_000);
  timer.unref();
  return {
    job: serial,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}

function report(logger: HttpLogger, r: ReplicationJobResult): void {
  for (const a of r.accounts) {
    if (a.error || !a.lastPass) continue;
    const { created, updated, deleted } = a.lastPass;
    if (created + updated + deleted > 0) logger.info({ account: a.account, created, updated, deleted }, 'replication: account brought up to date');
  }
}
