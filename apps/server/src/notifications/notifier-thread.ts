import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DeliveryPassResult, NotificationDeps } from '@envmgr/app';
import type { HttpLogger } from '@envmgr/http';
import type { EventBus, Lock } from '@envmgr/ports';
import type { ServerConfig } from '../config.js';
import { plainError, type FromWorker, type NotifierWorkerData, type ToWorker } from './notifier-messages.js';
import { NOTIFICATIONS_LOCK, recordBusEvents, type NotifierLoop } from './notifier-loop.js';

/**
 * The built worker (apps/server/dist): the same file from src/ (tests, after `tsc -b`) and dist/ (npm start), as the
 * bundled agent is.
 */
export const NOTIFIER_WORKER_FILE = fileURLToPath(new URL('../../dist/notifications/notifier-worker.js', import.meta.url));
/** A worker that ends without being asked is started again after this pause; its deliveries resume from the log. */
const RESTART_MS = 1000;
/** How long `stop` waits for the worker to finish its pass and release the lock before it ends the thread. */
const STOP_TIMEOUT_MS = 15_000;

export interface NotifierThreadOptions {
  bus: EventBus;
  lock: Lock;
  holder: string;
  logger: HttpLogger;
  onPass?(r: DeliveryPassResult): void;
  /** The share of the worker thread's time passes may take back to back. @default 1 (the thread is theirs) */
  busyShare?: number;
  /** The worker's script. @default NOTIFIER_WORKER_FILE */
  workerFile?: string;
}

/**
 * The notifier with delivery in a worker thread: this thread records the bus's events in the log (`deps.store`) and
 * wakes the worker, which delivers from the log through its own store connections (docs/notifications.md#worker).
 * Answers the worker's lock calls with `opts.lock`, and writes its log lines and counts its passes here.
 */
export function startNotifierThread(config: ServerConfig, deps: NotificationDeps, opts: NotifierThreadOptions): NotifierLoop {
  let worker: Worker | undefined;
  let stopping = false;
  let leader = false;
  let restart: ReturnType<typeof setTimeout> | undefined;
  const data: NotifierWorkerData = { config, holder: opts.holder, busyShare: opts.busyShare ?? 1 };
  const post = (m: ToWorker) => worker?.postMessage(m);

  function answerLock(m: Extract<FromWorker, { kind: 'lock' }>): void {
    const [name, holder, ttlMs = 0] = m.args;
    const call =
      m.method === 'tryAcquire'
        ? opts.lock.tryAcquire(name, holder, ttlMs).then((lease) => {
            if (name === NOTIFICATIONS_LOCK && holder === opts.holder) leader = lease.acquired;
            return lease;
          })
        : m.method === 'renew'
          ? opts.lock.renew(name, holder, ttlMs)
          : opts.lock.release(name, holder).then(() => {
              if (name === NOTIFICATIONS_LOCK && holder === opts.holder) leader = false;
            });
    call.then(
      (value) => post({ kind: 'lock-result', id: m.id, value }),
      (err: unknown) => post({ kind: 'lock-result', id: m.id, error: err instanceof Error ? err.message : String(err) }),
    );
  }

  function onMessage(m: FromWorker): void {
    switch (m.kind) {
      case 'lock':
        return answerLock(m);
      case 'pass':
        return opts.onPass?.(m.result);
      case 'log':
        return opts.logger[m.level]({ ...m.obj, thread: 'notifications' }, m.msg);
      case 'stopped':
        return;
    }
  }

  function spawn(): void {
    // none of this process's node flags: the worker runs the built files, whoever started the server (a test runner
    // resolving workspace packages to their sources, say)
    const w = new Worker(opts.workerFile ?? NOTIFIER_WORKER_FILE, { workerData: data, name: 'envmgr-notifications', execArgv: [] });
    worker = w;
    w.on('message', onMessage);
    w.on('error', (err) => opts.logger.error({ err: plainError(err) }, 'notifications: the delivery thread failed'));
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      leader = false;
      if (stopping) return;
      opts.logger.error({ exitCode: code, restartInMs: RESTART_MS }, 'notifications: the delivery thread ended; it is started again');
      restart = setTimeout(spawn, RESTART_MS);
    });
  }

  const recorder = recordBusEvents(deps, opts.bus, opts.logger, () => post({ kind: 'wake' }));
  spawn();
  return {
    runsIn: 'worker-thread',
    wake: () => post({ kind: 'wake' }),
    isLeader: () => leader,
    async stop() {
      stopping = true;
      clearTimeout(restart);
      await recorder.stop();
      const w = worker;
      if (!w) return;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage({ kind: 'stop' } satisfies ToWorker);
      const timer = setTimeout(() => void w.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Whether the worker can run: it is built, and the stores can be opened from a second thread (not `memory`). */
export function notifierThreadAvailable(config: ServerConfig): boolean {
  return config.notifyThread === 'on' && config.store !== 'memory' && existsSync(NOTIFIER_WORKER_FILE);
}
