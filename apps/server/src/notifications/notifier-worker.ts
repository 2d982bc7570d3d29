import { setPriority } from 'node:os';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { HttpLogger } from '@envmgr/http';
import type { Lock, LockLease } from '@envmgr/ports';
import { buildActionLog, buildAwsClients, buildConfigStore } from '../storage-wiring.js';
import { buildNotificationDeps } from './build-notifications.js';
import { plainError, type FromWorker, type LockMethod, type NotifierWorkerData, type ToWorker } from './notifier-messages.js';
import { startDeliveryLoop } from './notifier-loop.js';

/*
 * The notifications worker thread: fans the event log out and delivers, in an event loop of its own, so that a
 * burst of deliveries (TLS handshakes, store writes, a backlog after an outage) never queues behind or ahead of the
 * API's requests (bench: `npm run bench notifications`). It opens its own connections to the stores; the job lock,
 * the logs and the metrics stay with the server (notifier-thread.ts).
 */

const port = parentPort;
if (!port) throw new TypeError('notifier-worker.js runs as a worker thread of the server (notifier-thread.ts)');
const data = workerData as NotifierWorkerData;
const send = (m: FromWorker) => port.postMessage(m);

const logger: HttpLogger = {
  info: (obj, msg) => send({ kind: 'log', level: 'info', obj: plainFields(obj), msg }),
  warn: (obj, msg) => send({ kind: 'log', level: 'warn', obj: plainFields(obj), msg }),
  error: (obj, msg) => send({ kind: 'log', level: 'error', obj: plainFields(obj), msg }),
};

function plainFields(obj: Record<string, unknown>): Record<string, unknown> {
  return 'err' in obj ? { ...obj, err: plainError(obj.err) } : obj;
}

const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
let nextId = 0;
function callLock(method: LockMethod, args: [string, string, number?]): Promise<unknown> {
  nextId += 1;
  const id = nextId;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    send({ kind: 'lock', id, method, args });
  });
}
/** The server's job lock, called across the thread boundary. */
const lock: Lock = {
  tryAcquire: (name, holder, ttlMs) => callLock('tryAcquire', [name, holder, ttlMs]) as Promise<LockLease>,
  renew: (name, holder, ttlMs) => callLock('renew', [name, holder, ttlMs]) as Promise<boolean>,
  release: async (name, holder) => void (await callLock('release', [name, holder])),
};

// background work: lower this thread's priority (Linux keeps a nice value per thread; 0 names the calling one)
if (data.config.notifyThreadNice > 0) {
  try {
    setPriority(data.config.notifyThreadNice);
  } catch (err) {
    logger.warn({ err, nice: data.config.notifyThreadNice }, 'notifications: the delivery thread could not lower its priority; it runs at the server\'s');
  }
}

const aws = buildAwsClients({ ...data.config, blobs: 'fs', packages: 'fs' });
const store = buildConfigStore(data.config, aws);
const deps = buildNotificationDeps(data.config, { store, clock: { now: () => Date.now() } });
deps.scheduleActions = buildActionLog(data.config, aws);
const loop = startDeliveryLoop(deps, {
  lock, holder: data.holder, intervalMs: data.config.notifyIntervalMs, logger, busyShare: data.busyShare,
  onPass: (result) => send({ kind: 'pass', result }),
});

async function stop(p: MessagePort): Promise<void> {
  await loop.stop();
  await deps.store.close();
  await deps.mailer?.close();
  await deps.scheduleActions?.close();
  await store.close();
  aws.dynamodb?.destroy();
  send({ kind: 'stopped' });
  p.close();
}

port.on('message', (m: ToWorker) => {
  switch (m.kind) {
    case 'wake':
      return loop.wake();
    case 'stop':
      return void stop(port).catch((err: unknown) => logger.error({ err }, 'notifications: the worker did not stop cleanly'));
    case 'lock-result': {
      const call = pending.get(m.id);
      pending.delete(m.id);
      if (m.error !== undefined) call?.reject(new Error(m.error));
      else call?.resolve(m.value);
    }
  }
});
