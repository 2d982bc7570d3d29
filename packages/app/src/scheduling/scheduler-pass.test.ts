import { beforeEach, describe, expect, it } from 'vitest';
import { createInProcessLock, createMemoryCompute, createMemoryConfigStore, createMemoryScheduleActionLog, type MemoryCompute } from '@envmgr/adapter-memory';
import { DependencyUnavailableError, InstanceStateError, SAVED_SIZE_TAGS } from '@envmgr/domain';
import type { Compute, GroupSpec, ScheduleActionLog } from '@envmgr/ports';
import { aCluster, aDeploymentMap, anEnvironment, anEnvironmentType, aFixedClock, aService, sequentialIds } from '@envmgr/test-support';
import type { ConfigDeps, RequestContext } from '../context.js';
import { createItem } from '../config/write-items.js';
import { setScheduleSettings } from './schedule-settings.js';
import { createSchedulerPass, type SchedulerFailure, type SchedulerOptions } from './scheduler-pass.js';
import type { SchedulingDeps } from './scheduling-deps.js';

const admin: RequestContext = { actor: { name: 'alice', kind: 'user', user: 'alice', permissions: [{ Resource: '**', Access: 'ADMIN' }] }, requestId: 'req-1' };
const NINE_TO_FIVE = 'start: 0 9 * * 1-5; stop: 0 17 * * 1-5';
const WED_1700 = Date.UTC(2026, 10, 25, 17, 0);
const MIN = 60_000;

const spec = (name: string, env: string, desired: number, tags: Record<string, string> = {}): GroupSpec => ({
  name,
  tags: { Environment: env, Role: 'Web', OwningCluster: 'Infra', ...tags },
  size: { min: 0, desired, max: 5 },
  launch: { image: 'Ubuntu-22.04.1', instanceType: 't3.small', subnetType: 'PrivateApp', securityZone: 'Other', instanceProfile: 'roleInfraWeb', volumes: [] },
});

interface World {
  deps: SchedulingDeps;
  config: ConfigDeps;
  compute: MemoryCompute;
  clock: ReturnType<typeof aFixedClock>;
  actions: ScheduleActionLog;
  failures: SchedulerFailure[];
  sleeps: number[];
  pass(over?: Partial<SchedulerOptions>): ReturnType<typeof createSchedulerPass>;
}

async function aWorld(accounts?: (compute: MemoryCompute) => SchedulingDeps['accounts']): Promise<World> {
  const clock = aFixedClock(WED_1700);
  const store = createMemoryConfigStore();
  const config: ConfigDeps = { store, clock, hasher: { sha256: (t) => t } };
  for (const [type, doc] of [
    ['clusters', aCluster()],
    ['environment-types', anEnvironmentType()],
    ['services', aService()],
    ['deployment-maps', aDeploymentMap('Standard', ['Search'])],
    ['environments', anEnvironment('c50')],
    ['environments', anEnvironment('c51')],
  ] as const) {
    await createItem(config, admin, type, doc);
  }
  for (const environment of ['c50', 'c51']) await setScheduleSettings(config, admin, { environment, scheduleAutomatically: true, defaultSchedule: NINE_TO_FIVE });
  const compute = createMemoryCompute({ clock, autoConverge: false });
  const actions = createMemoryScheduleActionLog();
  const deps: SchedulingDeps = { config: { store }, accounts: accounts?.(compute) ?? [{ name: 'local', compute }], actions, clock, ids: sequentialIds('act') };
  const failures: SchedulerFailure[] = [];
  const sleeps: number[] = [];
  const lock = createInProcessLock({ clock });
  const pass = (over: Partial<SchedulerOptions> = {}) =>
    createSchedulerPass(deps, { lock, holder: 'test', sleep: async (ms) => void sleeps.push(ms), onFailure: (f) => void failures.push(f), ...over });
  return { deps, config, compute, clock, actions, failures, sleeps, pass };
}

async function states(compute: Compute, group: string): Promise<string[]> {
  return (await compute.listInstances({ group })).map((i) => `${i.state}/${i.lifecycleState ?? '-'}`);
}

describe('scheduler pass: group members (SPEC §8)', () => {
  let w: World;
  beforeEach(async () => {
    w = await aWorld();
    await w.compute.createGroup(spec('c50-in-Web', 'c50', 2));
    await w.compute.settle();
  });

  it('takes members out of service, stops them on the next run, and the reverse in the morning', async () => {
    const pass = w.pass();
    const first = await pass.run();
    expect(first).toMatchObject({ leading: true, decided: 2, acted: 2, deferred: 0, failures: [] });
    await w.compute.settle();
    expect(await states(w.compute, 'c50-in-Web')).toEqual(['running/Standby', 'running/Standby']);
    expect((await w.compute.getGroup('c50-in-Web'))?.size.desired).toBe(0);

    w.clock.advance(5 * MIN);
    await pass.run();
    await w.compute.settle();
    expect(await states(w.compute, 'c50-in-Web')).toEqual(['stopped/Standby', 'stopped/Standby']);

    w.clock.advance(16 * 60 * MIN - 5 * MIN); // Thursday 09:00
    await pass.run();
    await w.compute.settle();
    expect(await states(w.compute, 'c50-in-Web')).toEqual(['running/Standby', 'running/Standby']);
    w.clock.advance(5 * MIN);
    await pass.run();
    await w.compute.settle();
    expect(await states(w.compute, 'c50-in-Web')).toEqual(['running/InService', 'running/InService']);
    expect((await w.compute.getGroup('c50-in-Web'))?.size.desired).toBe(2);
    expect(w.failures).toEqual([]);
  });

  it('records every action with who, why and how it went', async () => {
    await w.pass().run();
    const records = await w.actions.list({ limit: 10 });
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      actor: 'system:scheduler', account: 'local', action: 'putOutOfService', outcome: 'done', attempts: 1, instances: 1,
      environment: 'c50', cluster: 'Infra', group: 'c50-in-Web', source: 'environment', schedule: NINE_TO_FIVE, atMs: WED_1700,
    });
    expect(records[0]?.reason).toMatch(/^item 2 \(stop\) occurred at 2026-11-25T17:00/);
    expect(records[0]?.runId).toMatch(/^test#1@2026-11-25T17:00:00.000Z$/);
    expect(records[0]?.subject).toBe(`local/${records[0]?.instanceId ?? ''}`);
  });

  it('prunes records past the retention once a day, keeping each subject\'s latest action of each kind', async () => {
    const pass = w.pass({ retentionMs: 60 * MIN });
    expect((await pass.run()).pruned).toBe(0);
    await w.compute.settle();
    w.clock.advance(5 * MIN);
    await pass.run(); // stops them: the second record of each instance
    expect(await w.actions.list({ limit: 10 })).toHaveLength(4);
    const old = { ...(await w.actions.list({ limit: 1 }))[0]!, id: 'older', atMs: WED_1700 - 10 * MIN };
    await w.actions.append([old]);
    w.clock.advance(2 * 60 * MIN);
    expect((await pass.run()).pruned).toBeUndefined(); // not a day since the last pruning
    w.clock.advance(24 * 60 * MIN);
    expect((await pass.run()).pruned).toBe(1); // 'older' is superseded by a later putOutOfService of its instance
    expect((await w.actions.list({ limit: 10 })).map((r) => r.id)).not.toContain('older');
    expect(await w.actions.list({ limit: 10 })).toHaveLength(4);
  });

  it('does nothing on a server that does not hold the scheduler lock', async () => {
    const lock = createInProcessLock({ clock: w.clock });
    await lock.tryAcquire('scheduler', 'other', 60 * MIN);
    const r = await createSchedulerPass(w.deps, { lock, holder: 'test', sleep: async () => undefined }).run();
    expect(r).toMatchObject({ leading: false, decided: 0, acted: 0 });
    expect(await w.actions.list({ limit: 10 })).toEqual([]);
  });

  it('what-if: counts what it would do, changes and records nothing', async () => {
    const r = await w.pass({ whatIf: true }).run();
    expect(r).toMatchObject({ decided: 2, acted: 2 });
    await w.compute.settle();
    expect(await states(w.compute, 'c50-in-Web')).toEqual(['running/InService', 'running/InService']);
    expect(await w.actions.list({ limit: 10 })).toEqual([]);
  });

  it('limits itself to the environments named by limitToEnvironment', async () => {
    await w.compute.createGroup(spec('c51-in-Web', 'c51', 1));
    await w.compute.settle();
    const r = await w.pass({ limitToEnvironment: /^c51$/ }).run();
    expect(r).toMatchObject({ decided: 1, acted: 1 });
    await w.compute.settle();
    expect(await states(w.compute, 'c50-in-Web')).toEqual(['running/InService', 'running/InService']);
  });
});

describe('scheduler pass: whole groups (ScheduleMode=scale-to-zero)', () => {
  it('scales to zero remembering the size in tags, and restores it', async () => {
    const w = await aWorld();
    await w.compute.createGroup({ ...spec('c50-in-Api', 'c50', 2, { ScheduleMode: 'scale-to-zero' }), size: { min: 1, desired: 2, max: 4 } });
    await w.compute.settle();
    const pass = w.pass();
    expect(await pass.run()).toMatchObject({ decided: 3, acted: 1 });
    await w.compute.settle();
    const off = await w.compute.getGroup('c50-in-Api');
    expect(off?.size).toEqual({ min: 0, desired: 0, max: 4 });
    expect(off?.tags).toMatchObject({ ScheduleMode: 'scale-to-zero', [SAVED_SIZE_TAGS.min]: '1', [SAVED_SIZE_TAGS.desired]: '2', [SAVED_SIZE_TAGS.max]: '4' });
    expect(await w.compute.listInstances({ group: 'c50-in-Api' })).toEqual([]);
    const [record] = await w.actions.list({ limit: 10 });
    expect(record).toMatchObject({ action: 'scaleToZero', subject: 'local/group:c50-in-Api', instances: 2, outcome: 'done' });

    w.clock.advance(16 * 60 * MIN);
    expect(await pass.run()).toMatchObject({ acted: 1, failures: [] });
    await w.compute.settle();
    const on = await w.compute.getGroup('c50-in-Api');
    expect(on?.size).toEqual({ min: 1, desired: 2, max: 4 });
    expect(Object.keys(on?.tags ?? {})).not.toContain(SAVED_SIZE_TAGS.min);
    expect(await states(w.compute, 'c50-in-Api')).toEqual(['running/InService', 'running/InService']);
  });
});

describe('scheduler pass: failures stay inside their unit, are retried and reported', () => {
  it('retries a transient failure with doubling waits', async () => {
    const w = await aWorld((compute) => {
      let calls = 0;
      const flaky: Compute = { ...compute, enterStandby: (ids, d) => (++calls <= 2 ? Promise.reject(new DependencyUnavailableError('throttled')) : compute.enterStandby(ids, d)) };
      return [{ name: 'local', compute: flaky }];
    });
    await w.compute.createGroup(spec('c50-in-Web', 'c50', 1));
    await w.compute.settle();
    expect(await w.pass().run()).toMatchObject({ acted: 1, failures: [] });
    expect(w.sleeps).toEqual([1000, 2000]);
    expect((await w.actions.list({ limit: 10 }))[0]).toMatchObject({ outcome: 'done', attempts: 3 });
  });

  it('one failing group does not stop another; the failure is recorded, reported, backed off and retried', async () => {
    let broken = true;
    const w = await aWorld((compute) => {
      const failing: Compute = {
        ...compute,
        enterStandby: async (ids, d) => {
          const all = await Promise.all(ids.map((id) => compute.getInstance(id)));
          if (broken && all.some((i) => i?.group === 'c50-in-Web')) throw new DependencyUnavailableError('the Auto Scaling API is down');
          return compute.enterStandby(ids, d);
        },
      };
      return [{ name: 'local', compute: failing }];
    });
    await w.compute.createGroup(spec('c50-in-Web', 'c50', 1));
    await w.compute.createGroup(spec('c51-in-Web', 'c51', 1));
    await w.compute.settle();
    const pass = w.pass({ backoffMs: 10 * MIN });
    const r = await pass.run();
    expect(r).toMatchObject({ decided: 2, acted: 1 });
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatchObject({ account: 'local', action: 'putOutOfService', environment: 'c50', error: 'the Auto Scaling API is down', attempts: 3 });
    expect(w.failures).toEqual(r.failures);
    expect(await w.actions.list({ limit: 10, outcome: 'failed' })).toHaveLength(1);
    await w.compute.settle();
    expect(await states(w.compute, 'c51-in-Web')).toEqual(['running/Standby']);

    w.clock.advance(5 * MIN);
    broken = false;
    const backedOff = await pass.run();
    expect(backedOff).toMatchObject({ deferred: 1 });
    expect(await states(w.compute, 'c50-in-Web')).toEqual(['running/InService']);

    w.clock.advance(5 * MIN);
    expect(await pass.run()).toMatchObject({ deferred: 0, failures: [] });
    await w.compute.settle();
    expect(await states(w.compute, 'c50-in-Web')).toEqual(['running/Standby']);
  });

  it('tries each instance on its own when a call for several fails, and does not retry a permanent refusal', async () => {
    let bad = '';
    const w = await aWorld((compute) => [{
      name: 'local',
      compute: { ...compute, enterStandby: (ids, d) => (ids.includes(bad) ? Promise.reject(new InstanceStateError(bad, 'running', 'no')) : compute.enterStandby(ids, d)) },
    }]);
    await w.compute.createGroup(spec('c50-in-Web', 'c50', 3));
    await w.compute.settle();
    bad = (await w.compute.listInstances())[1]?.id ?? '';
    const r = await w.pass().run();
    expect(r).toMatchObject({ acted: 2 });
    expect(r.failures).toEqual([expect.objectContaining({ subject: `local/${bad}`, attempts: 1 })]);
    expect(w.sleeps).toEqual([]);
  });

  it('an account that cannot be read does not stop the others', async () => {
    const w = await aWorld((compute) => [
      { name: 'broken', compute: { ...compute, listGroups: () => Promise.reject(new DependencyUnavailableError('credentials expired')) } },
      { name: 'local', compute },
    ]);
    await w.compute.createGroup(spec('c50-in-Web', 'c50', 1));
    await w.compute.settle();
    const r = await w.pass().run();
    expect(r.acted).toBe(1);
    expect(r.failures).toEqual([{ account: 'broken', error: "the account's groups and instances could not be read: credentials expired" }]);
  });

  it('reports actions it could not record', async () => {
    const w = await aWorld();
    w.deps.actions = { ...w.actions, append: () => Promise.reject(new DependencyUnavailableError('disk full')) };
    await w.compute.createGroup(spec('c50-in-Web', 'c50', 1));
    await w.compute.settle();
    const r = await w.pass().run();
    expect(r.failures).toEqual([expect.objectContaining({ action: 'putOutOfService', error: 'not recorded in the action log: disk full' })]);
  });

  it('stops starting units when told to (a Lambda near its deadline)', async () => {
    const w = await aWorld();
    await w.compute.createGroup(spec('c50-in-Web', 'c50', 1));
    await w.compute.settle();
    expect(await w.pass({ shouldStop: () => true }).run()).toMatchObject({ decided: 1, acted: 0, deferred: 1 });
  });
});
