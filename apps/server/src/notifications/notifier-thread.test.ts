import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createInProcessEventBus, createInProcessLock, createMemoryConfigStore } from '@envmgr/adapter-memory';
import { loadConfig } from '../config.js';
import { startServer, waitFor, type RunningServer } from '../testing.js';
import { buildNotificationDeps } from './build-notifications.js';
import { startNotifierThread } from './notifier-thread.js';

// The server side of the notifications worker thread; deliveries through it are notifications.int.test.ts's.
describe('notifications worker thread', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('takes the server job lock through the server, and gives it back when stopped', async () => {
    const s: RunningServer = await startServer();
    cleanups.push(() => s.stop());
    expect(s.server.notifier.runsIn).toBe('worker-thread');
    await waitFor('the worker to take the notifications lock', async () => (s.server.notifier.isLeader() ? true : undefined), { timeoutMs: 10_000 });
    expect((await s.server.lock.tryAcquire('notifications', 'another-server', 10_000)).acquired).toBe(false);
    await s.server.notifier.stop();
    expect(s.server.notifier.isLeader()).toBe(false);
    expect((await s.server.lock.tryAcquire('notifications', 'another-server', 10_000)).acquired).toBe(true);
  }, 30_000);

  it('writes the worker its log lines and starts it again when it ends', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'envmgr-notifier-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    // a worker that says one thing and dies, as one would on a fault its own handlers missed
    const workerFile = join(dir, 'dying-worker.mjs');
    await writeFile(workerFile, `import { parentPort } from 'node:worker_threads';
parentPort.postMessage({ kind: 'log', level: 'warn', obj: { err: { message: 'disk full' } }, msg: 'worker says' });
setTimeout(() => process.exit(3), 20);
`);
    const loaded = loadConfig({ ENVMGR_DATA_DIR: dir });
    if (!loaded.ok) throw new TypeError(loaded.problems.join('; '));
    const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
    const logger = {
      info: (obj: Record<string, unknown>, msg: string) => void lines.push({ level: 'info', obj, msg }),
      warn: (obj: Record<string, unknown>, msg: string) => void lines.push({ level: 'warn', obj, msg }),
      error: (obj: Record<string, unknown>, msg: string) => void lines.push({ level: 'error', obj, msg }),
    };
    const deps = buildNotificationDeps({ ...loaded.config, store: 'memory' }, { store: createMemoryConfigStore(), clock: { now: () => Date.now() } });
    const notifier = startNotifierThread(loaded.config, deps, { bus: createInProcessEventBus({ now: () => Date.now() }), lock: createInProcessLock({ clock: { now: () => Date.now() } }), holder: 'h', logger, workerFile });
    cleanups.push(() => notifier.stop());
    const restarts = () => lines.filter((l) => l.msg.includes('ended; it is started again'));
    await waitFor('two restarts', async () => (restarts().length >= 2 ? true : undefined), { timeoutMs: 10_000 });
    expect(restarts()[0]).toMatchObject({ level: 'error', obj: { exitCode: 3 } });
    expect(lines.filter((l) => l.msg === 'worker says')[0]).toEqual({ level: 'warn', obj: { err: { message: 'disk full' }, thread: 'notifications' }, msg: 'worker says' });
    await notifier.stop();
    const after = restarts().length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(restarts()).toHaveLength(after);
  }, 30_000);
});
