import type { DeliveryPassResult } from '@envmgr/app';
import type { ServerConfig } from '../config.js';

/*
 * What the server and its notifications worker thread (notifier-thread.ts, notifier-worker.ts) say to each other.
 * The worker delivers; the server keeps the job lock (so the lock holder metric and an in-process lock work as
 * before), the logger (one place that redacts) and the metrics.
 */

export interface NotifierWorkerData {
  config: ServerConfig;
  /** The lock holder name the worker's passes use: the server's, so a restarted worker resumes its lease. */
  holder: string;
  busyShare: number;
}

export type LockMethod = 'tryAcquire' | 'renew' | 'release';

/** From the server to the worker. */
export type ToWorker =
  | { kind: 'wake' }
  | { kind: 'stop' }
  | { kind: 'lock-result'; id: number; value?: unknown; error?: string };

/** From the worker to the server. */
export type FromWorker =
  | { kind: 'lock'; id: number; method: LockMethod; args: [name: string, holder: string, ttlMs?: number] }
  | { kind: 'pass'; result: DeliveryPassResult }
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; obj: Record<string, unknown>; msg: string }
  | { kind: 'stopped' };

/** An error as plain data: what crosses a thread boundary keeps its message and stack. */
export function plainError(err: unknown): unknown {
  return err instanceof Error ? { type: err.name, message: err.message, stack: err.stack } : err;
}
