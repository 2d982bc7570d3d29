import { describe, expect, it } from 'vitest';
import { createInProcessLock, createMemoryCompute, createMemoryScheduleActionLog } from '@envmgr/adapter-memory';
import { createSchedulerPass, type SchedulingDeps } from '@envmgr/app';
import type { GroupSpec } from '@envmgr/ports';
import { aTestApp } from '@envmgr/http/testing';
import { aCluster, aDeploymentMap, anEnvironment, anEnvironmentType, aService, sequentialIds } from '@envmgr/test-support';

/*
 * Acceptance (issue 8): a simulated week of an environment with a 9–5 weekday schedule, end to end on the memory
 * Compute with a fake clock: settings through the HTTP API, the scheduler job every 5 minutes, the savings report
 * through the HTTP API. One group's members follow EM (standby, then stop); another group is scheduled as a whole.
 */
const NINE_TO_FIVE = 'start: 0 9 * * 1-5; stop: 0 17 * * 1-5 | Europe/London';
const MIN = 60_000;
const H = 60 * MIN;
const SUNDAY = Date.UTC(2026, 10, 29);
const MONDAY = Date.UTC(2026, 10, 30);
const NEXT_MONDAY = MONDAY + 7 * 24 * H;

const spec = (name: string, desired: number, tags: Record<string, string> = {}): GroupSpec => ({
  name,
  tags: { Environment: 'c50', OwningCluster: 'Infra', Role: name.split('-').pop() ?? 'Web', ...tags },
  size: { min: 0, desired, max: 5 },
  launch: { image: 'Ubuntu-22.04.1', instanceType: 't3.small', subnetType: 'PrivateApp', securityZone: 'Other', instanceProfile: 'roleInfraWeb', volumes: [] },
});

const iso = (ms: number) => new Date(ms).toISOString();

describe('a week of a 9–5 weekday schedule (Europe/London, GMT in winter)', () => {
  it('stops and starts at the right instants, and the savings report shows the expected instance-hours', async () => {
    const actions = createMemoryScheduleActionLog();
    let now = (): number => 0;
    const compute = createMemoryCompute({ clock: { now: () => now() }, autoConverge: false });
    const t = aTestApp({ scheduling: { actions, accounts: [{ name: 'local', compute }] } });
    now = () => t.clock.now();
    for (const [type, doc] of [
      ['clusters', aCluster()],
      ['environment-types', anEnvironmentType()],
      ['services', aService()],
      ['deployment-maps', aDeploymentMap('Standard', ['Search'])],
      ['environments', anEnvironment('c50')],
    ] as const) {
      expect((await t.call('POST', `/api/v1/config/${type}`, { body: doc })).status).toBe(201);
    }
    const put = await t.call('PUT', '/api/v1/environments/c50/schedule', { body: { scheduleAutomatically: true, defaultSchedule: NINE_TO_FIVE } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await compute.createGroup(spec('c50-in-Web', 2));
    await compute.createGroup(spec('c50-in-Api', 3, { ScheduleMode: 'scale-to-zero' }));
    await compute.settle();

    const deps: SchedulingDeps = { config: { store: t.store }, accounts: [{ name: 'local', compute }], actions, clock: t.clock, ids: sequentialIds('act') };
    const pass = createSchedulerPass(deps, { lock: createInProcessLock({ clock: t.clock }), holder: 'em-1', sleep: async () => undefined });
    t.clock.advance(SUNDAY - t.clock.now());
    const snapshots = new Map<number, string[]>();
    const lookAt = [Date.UTC(2026, 11, 2, 12), Date.UTC(2026, 11, 2, 20), Date.UTC(2026, 11, 5, 12)];
    for (; t.clock.now() <= NEXT_MONDAY; t.clock.advance(5 * MIN)) {
      const r = await pass.run();
      expect(r.failures, iso(t.clock.now())).toEqual([]);
      await compute.settle();
      if (lookAt.includes(t.clock.now())) {
        const instances = await compute.listInstances();
        snapshots.set(t.clock.now(), instances.map((i) => `${i.group ?? ''}:${i.state}/${i.lifecycleState ?? '-'}`).sort());
      }
    }

    // Wednesday noon: all on; Wednesday 20:00: members stopped in Standby, the whole group gone; Saturday: the same
    expect(snapshots.get(lookAt[0] ?? 0)).toEqual([...Array(3).fill('c50-in-Api:running/InService'), 'c50-in-Web:running/InService', 'c50-in-Web:running/InService']);
    expect(snapshots.get(lookAt[1] ?? 0)).toEqual(['c50-in-Web:stopped/Standby', 'c50-in-Web:stopped/Standby']);
    expect(snapshots.get(lookAt[2] ?? 0)).toEqual(['c50-in-Web:stopped/Standby', 'c50-in-Web:stopped/Standby']);

    const records = await actions.list({ sinceMs: MONDAY, untilMs: NEXT_MONDAY + 1, limit: 1000 });
    const at = (action: string) => [...new Set(records.filter((r) => r.action === action).map((r) => iso(r.atMs)))];
    const weekdays = [30, 1, 2, 3, 4].map((d, i) => (i === 0 ? `2026-11-${d}` : `2026-12-0${d}`));
    expect(at('switchOn')).toEqual(weekdays.map((d) => `${d}T09:00:00.000Z`));
    expect(at('putInService')).toEqual(weekdays.map((d) => `${d}T09:05:00.000Z`));
    expect(at('putOutOfService')).toEqual(weekdays.map((d) => `${d}T17:00:00.000Z`));
    expect(at('switchOff')).toEqual(weekdays.map((d) => `${d}T17:05:00.000Z`));
    expect(at('restoreSize')).toEqual(weekdays.map((d) => `${d}T09:00:00.000Z`));
    expect(at('scaleToZero')).toEqual(weekdays.map((d) => `${d}T17:00:00.000Z`));
    expect(records.every((r) => r.outcome === 'done' && r.actor === 'system:scheduler' && r.schedule === NINE_TO_FIVE && r.source === 'environment')).toBe(true);

    // members are off 168 h − 5 × 8 h, less the 5 minutes each stop waits in Standby: 127 h 35 min each;
    // the whole group of 3 is off 128 h
    const expected = 2 * (168 - 40 - 5 / 60 * 5) + 3 * (168 - 40);
    const savings = await t.call('GET', `/api/v1/schedule/savings?since=${iso(MONDAY)}&until=${iso(NEXT_MONDAY)}&environment=c50`);
    expect(savings.status, JSON.stringify(savings.body)).toBe(200);
    expect(savings.body.instanceHoursSaved).toBe(Math.round(expected * 100) / 100);
    expect(savings.body.environments).toEqual([{ environment: 'c50', cluster: 'Infra', instanceHoursSaved: Math.round(expected * 100) / 100, subjects: 3 }]);
  });
});
