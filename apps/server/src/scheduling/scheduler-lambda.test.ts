import { describe, expect, it } from 'vitest';
import { createInProcessLock, createMemoryCompute, createMemoryConfigStore, createMemoryScheduleActionLog } from '@envmgr/adapter-memory';
import { createItem, setScheduleSettings, type RequestContext, type SchedulingDeps } from '@envmgr/app';
import { aCluster, aDeploymentMap, aFixedClock, anEnvironment, anEnvironmentType, aService, sequentialIds } from '@envmgr/test-support';
import { createSchedulerHandler, type SchedulerLambdaContext } from './scheduler-lambda.js';

const admin: RequestContext = { actor: { name: 'alice', kind: 'user', user: 'alice', permissions: [{ Resource: '**', Access: 'ADMIN' }] }, requestId: 'r1' };

async function world() {
  const clock = aFixedClock(Date.UTC(2026, 10, 25, 18)); // Wednesday 18:00 UTC: the 9–5 schedule says off
  const store = createMemoryConfigStore();
  const config = { store, clock, hasher: { sha256: (t: string) => t } };
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
  for (const environment of ['c50', 'c51']) {
    await setScheduleSettings(config, admin, { environment, scheduleAutomatically: true, defaultSchedule: 'start: 0 9 * * 1-5; stop: 0 17 * * 1-5' });
  }
  const compute = createMemoryCompute({ clock, autoConverge: false });
  for (const env of ['c50', 'c51']) {
    await compute.createGroup({
      name: `${env}-in-Web`, tags: { Environment: env, Role: 'Web' }, size: { min: 0, desired: 1, max: 2 },
      launch: { image: 'img', instanceType: 't3.small', subnetType: 'PrivateApp', securityZone: 'Other', instanceProfile: 'p', volumes: [] },
    });
  }
  await compute.settle();
  const deps: SchedulingDeps = { config: { store }, accounts: [{ name: 'local', compute }], actions: createMemoryScheduleActionLog(), clock, ids: sequentialIds('act') };
  return { deps, compute, lock: createInProcessLock({ clock }) };
}

const context = (remainingMs = 900_000): SchedulerLambdaContext => ({ awsRequestId: 'req-0001', getRemainingTimeInMillis: () => remainingMs });
const scheduledEvent = (detail: Record<string, unknown> = {}) => ({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2026-11-25T18:00:00Z', detail });

describe('the scheduler as a Lambda handler', () => {
  it('runs one pass per invocation, records its actions and gives the lock up', async () => {
    const w = await world();
    const handler = createSchedulerHandler(() => w.deps, { lock: w.lock, sleep: async () => undefined });
    const result = await handler(scheduledEvent(), context());
    expect(result).toMatchObject({ leading: true, decided: 2, acted: 2, failures: [] });
    expect(result.runId).toMatch(/^lambda-req-0001#1@/);
    const records = await w.deps.actions.list({ limit: 10 });
    expect(records.map((r) => [r.action, r.actor])).toEqual([['putOutOfService', 'system:scheduler'], ['putOutOfService', 'system:scheduler']]);
    expect((await w.lock.tryAcquire('scheduler', 'someone-else', 1000)).acquired).toBe(true);
  });

  it("takes EM's WHAT_IF and LIMIT_TO_ENVIRONMENT from the event's detail", async () => {
    const w = await world();
    const handler = createSchedulerHandler(() => w.deps, { lock: w.lock, sleep: async () => undefined });
    expect(await handler(scheduledEvent({ whatIf: true }), context())).toMatchObject({ decided: 2, acted: 2 });
    expect(await w.deps.actions.list({ limit: 10 })).toEqual([]);
    expect(await handler(scheduledEvent({ limitToEnvironment: '^c51$' }), context())).toMatchObject({ decided: 1, acted: 1 });
  });

  it('defers the work it has no time left for, and does nothing while another holder has the lock', async () => {
    const w = await world();
    const handler = createSchedulerHandler(() => w.deps, { lock: w.lock, sleep: async () => undefined, reserveMs: 30_000 });
    expect(await handler(scheduledEvent(), context(10_000))).toMatchObject({ acted: 0, deferred: 2 });
    await w.lock.tryAcquire('scheduler', 'em-server', 60_000);
    expect(await handler(scheduledEvent(), context())).toMatchObject({ leading: false, acted: 0 });
  });
});
