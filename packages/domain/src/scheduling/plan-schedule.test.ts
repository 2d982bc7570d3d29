import { describe, expect, it } from 'vitest';
import { explainSchedule } from './explain.js';
import { tagsWithSavedSize } from './group-decision.js';
import { planSchedule, type PlanAccount, type PlanEnvironment, type PlanInstance } from './plan-schedule.js';

const WED_NIGHT = Date.parse('2026-11-25T22:00:00Z');
const NINE_TO_FIVE = 'start: 0 9 * * 1-5; stop: 0 17 * * 1-5';
const envs = new Map<string, PlanEnvironment>([
  ['c50', { name: 'c50', cluster: 'Infra', environmentType: 'Dev', inMaintenance: false, manualScheduleUp: false, scheduleAutomatically: true, defaultSchedule: NINE_TO_FIVE, ignoreGroupInstances: false }],
  ['c51', { name: 'c51', cluster: 'Web', environmentType: 'Prod', inMaintenance: false, manualScheduleUp: true, scheduleAutomatically: false, ignoreGroupInstances: true }],
]);
const inst = (id: string, over: Partial<PlanInstance> = {}): PlanInstance => ({
  id, name: `name-${id}`, state: 'running', tags: { Environment: 'c50', Role: 'Web' }, group: undefined, lifecycleState: undefined, ...over,
});

describe('planSchedule', () => {
  const account: PlanAccount = {
    account: 'local',
    groups: [
      { name: 'c50-in-Web', tags: { Environment: 'c50' }, size: { min: 0, desired: 1, max: 2 } },
      { name: 'c50-in-Api', tags: { Environment: 'c50', ScheduleMode: 'scale-to-zero' }, size: { min: 1, desired: 2, max: 3 } },
      { name: 'c50-in-Old', tags: { Environment: 'c50', ScheduleMode: 'Scale-To-Zero', ...tagsWithSavedSize({}, { min: 1, desired: 1, max: 1 }) }, size: { min: 0, desired: 0, max: 1 } },
    ],
    instances: [
      inst('i-1'),
      inst('i-2', { group: 'c50-in-Web', lifecycleState: 'InService' }),
      inst('i-3', { group: 'c50-in-Api', lifecycleState: 'InService' }),
      inst('i-4', { tags: { Environment: 'c51' }, group: 'c51-in-Web', lifecycleState: 'InService' }),
      inst('i-5', { tags: { Environment: 'gone' } }),
      inst('i-6', { tags: {}, state: 'stopped' }),
      inst('i-7', { group: 'c50-in-Gone', lifecycleState: undefined }),
    ],
  };
  const plan = planSchedule(account, envs, WED_NIGHT);
  const byId = new Map(plan.instances.map((p) => [p.instance.id, p]));

  it('decides for every instance, with its environment, cluster, role and group', () => {
    expect(plan.instances.map((p) => [p.instance.id, p.decision.action, p.decision.skipCode])).toEqual([
      ['i-1', 'switchOff', undefined],
      ['i-2', 'putOutOfService', undefined],
      ['i-3', 'skip', 'group-scheduled-as-whole'],
      ['i-4', 'skip', 'group-instances-ignored'],
      ['i-5', 'skip', 'unknown-environment'],
      ['i-6', 'skip', 'no-environment'],
      ['i-7', 'switchOff', undefined],
    ]);
    expect(byId.get('i-2')).toMatchObject({ account: 'local', environment: 'c50', cluster: 'Infra', environmentType: 'Dev', role: 'Web', group: 'c50-in-Web' });
    expect(byId.get('i-1')?.decision).toMatchObject({ source: 'environment', schedule: NINE_TO_FIVE });
    // a former member (no lifecycle state) is a standalone instance
    expect(byId.get('i-7')?.group).toBeUndefined();
  });

  it('switches nothing of a group a deployment holds off, and says why; switching on goes ahead', () => {
    const held = new Map([['c50-in-Web', 'deployment d1 of Hello 1.2.0 is in progress'], ['c50-in-Api', 'deployment d2 of Api 2.0.0 is in progress']]);
    const heldPlan = planSchedule({ ...account, held }, envs, WED_NIGHT);
    const i2 = heldPlan.instances.find((p) => p.instance.id === 'i-2');
    expect(i2?.decision).toMatchObject({ action: 'skip', skipCode: 'held-by-deployment' });
    expect(i2?.decision.reason).toMatch(/^deployment d1 of Hello 1\.2\.0 is in progress; its group stays on until it ends \(otherwise: /);
    expect(heldPlan.groups.find((g) => g.group.name === 'c50-in-Api')?.decision).toMatchObject({ action: 'skip', skipCode: 'held-by-deployment' });
    // standalone instances and other groups keep their decisions
    expect(heldPlan.instances.find((p) => p.instance.id === 'i-1')?.decision.action).toBe('switchOff');
    const morning = planSchedule({ ...account, held, instances: [inst('i-9', { state: 'stopped', group: 'c50-in-Web', lifecycleState: 'Standby' })] }, envs, Date.parse('2026-11-26T10:00:00Z'));
    expect(morning.instances[0]?.decision.action).toBe('switchOn');
  });

  it('decides for each group scheduled as a whole', () => {
    expect(plan.groups.map((g) => [g.group.name, g.decision.action, g.decision.skipCode])).toEqual([
      ['c50-in-Api', 'scaleToZero', undefined],
      ['c50-in-Old', 'skip', 'state-is-correct'],
    ]);
    expect(plan.groups[0]).toMatchObject({ environment: 'c50', cluster: 'Infra', decision: { size: { min: 1, desired: 2, max: 3 } } });
  });

  it('applies an environment override to its instances', () => {
    const withOverride = new Map(envs);
    withOverride.set('c50', { ...(envs.get('c50') as PlanEnvironment), override: { state: 'on', untilMs: WED_NIGHT + 1, by: 'alice' } });
    const p = planSchedule({ ...account, instances: [inst('i-1', { state: 'stopped' })] }, withOverride, WED_NIGHT);
    expect(p.instances[0]?.decision).toMatchObject({ action: 'switchOn', source: 'override' });
    expect(p.groups[0]?.decision).toMatchObject({ action: 'skip', source: 'override', skipCode: 'state-is-correct' });
  });
});

describe('explainSchedule', () => {
  it.each([
    [NINE_TO_FIVE, WED_NIGHT, 'OFF', /^item 2 \(stop\) occurred at 2026-11-25T17:00/],
    ['247', WED_NIGHT, 'ON', /^the schedule says on$/],
    ['NOSCHEDULE', WED_NIGHT, 'NO SCHEDULE', /leaves the instances alone/],
    ['start: 0 8 * * * 2030', WED_NIGHT, 'NOT FOUND', /no item of the schedule has occurred yet/],
    ['start: 0 8 * * * | Mars/Olympus', WED_NIGHT, 'INVALID SCHEDULE', /^invalid schedule: unknown time zone 'Mars\/Olympus' \(offset 19\); name an IANA zone/],
  ])('%s at %d is %s', (text, at, status, reason) => {
    const e = explainSchedule(text, at);
    expect(e.status).toBe(status);
    expect(e.reason).toMatch(reason);
    expect(e.error !== undefined).toBe(status === 'INVALID SCHEDULE');
  });
});
