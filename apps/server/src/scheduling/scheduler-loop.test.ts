import { describe, expect, it, vi } from 'vitest';
import { createInProcessLock, createMemoryCompute, createMemoryConfigStore, createMemoryScheduleActionLog } from '@envmgr/adapter-memory';
import type { SchedulingDeps } from '@envmgr/app';
import { sequentialIds } from '@envmgr/test-support';
import { loadConfig } from '../config.js';
import { startSchedulerLoop } from './scheduler-loop.js';

describe('scheduler settings', () => {
  it('is off by default, every 5 minutes', () => {
    const loaded = loadConfig({});
    expect(loaded.ok && [loaded.config.scheduler, loaded.config.schedulerIntervalMs, loaded.config.schedulerLimitToEnvironment]).toEqual(['off', 300_000, undefined]);
  });

  it('reports every bad setting by its variable', () => {
    const loaded = loadConfig({ ENVMGR_SCHEDULER: 'sometimes', ENVMGR_SCHEDULER_INTERVAL_MS: '10', ENVMGR_SCHEDULER_LIMIT_TO_ENVIRONMENT: '(' });
    expect(loaded.ok ? [] : loaded.problems.map((p) => p.split(':')[0])).toEqual(['ENVMGR_SCHEDULER', 'ENVMGR_SCHEDULER_INTERVAL_MS', 'ENVMGR_SCHEDULER_LIMIT_TO_ENVIRONMENT']);
  });
});

describe('startSchedulerLoop', () => {
  it('runs a pass at once on the lock holder, then every interval, and gives the lock up when stopped', async () => {
    const clock = { now: () => Date.UTC(2026, 10, 25, 18) };
    const deps: SchedulingDeps = {
      config: { store: createMemoryConfigStore() }, accounts: [{ name: 'local', compute: createMemoryCompute({ clock, autoConverge: false }) }],
      actions: createMemoryScheduleActionLog(), clock, ids: sequentialIds('act'),
    };
    const lock = createInProcessLock({ clock });
    const logs: string[] = [];
    const logger = { info: (_o: object, m: string) => void logs.push(m), warn: (_o: object, m: string) => void logs.push(m), error: (_o: object, m: string) => void logs.push(m) };
    const acquire = vi.spyOn(lock, 'tryAcquire');
    const loop = startSchedulerLoop(deps, { lock, intervalMs: 20, whatIf: false, logger, holder: 'em-1' });
    await vi.waitFor(() => expect(acquire.mock.calls.length).toBeGreaterThanOrEqual(2));
    expect(acquire.mock.calls[0]?.slice(0, 2)).toEqual(['scheduler', 'em-1']);
    await loop.stop();
    expect((await lock.tryAcquire('scheduler', 'em-2', 1000)).acquired).toBe(true);
    expect(logs).toEqual([]);
  });
});
