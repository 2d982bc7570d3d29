import { describe, expect, it } from 'vitest';
import { ValidationError } from '@envmgr/domain';
import type { Group, Instance, InstanceState, LifecycleState } from '@envmgr/ports';
import { lifecycleCounts, readinessOf, sizeAfter } from './group-rules.js';

const group = (desired: number): Group => ({
  name: 'dev1-IN-Web',
  tags: {},
  size: { min: 0, desired, max: 5 },
  launch: { image: 'i', instanceType: 't', subnetType: 's', securityZone: 'Other', instanceProfile: 'p', volumes: [] },
  suspendedProcesses: [],
  createdTime: '2026-01-01T00:00:00.000Z',
});

let n = 0;
const member = (state: InstanceState, lifecycleState: LifecycleState | undefined): Instance => ({
  id: `i-${String(++n).padStart(17, '0')}`,
  name: 'x',
  tags: {},
  state,
  privateAddress: '10.0.0.1',
  group: 'dev1-IN-Web',
  lifecycleState,
  health: 'Healthy',
  launchTime: '2026-01-01T00:00:00.000Z',
});

describe('readinessOf', () => {
  it.each([
    ['all counted members serve', 2, [member('running', 'InService'), member('running', 'InService')], true, 2],
    ['standby members do not count', 1, [member('running', 'InService'), member('stopped', 'Standby')], true, 1],
    ['a member still pending', 2, [member('running', 'InService'), member('pending', 'Pending')], false, 1],
    ['fewer members than desired', 2, [member('running', 'InService')], false, 1],
    ['more members than desired', 1, [member('running', 'InService'), member('running', 'InService')], false, 2],
    ['an empty group that wants none', 0, [], true, 0],
  ])('%s', (_what, desired, members, ready, inService) => {
    const r = readinessOf({ group: group(desired), members });
    expect(r.ready).toBe(ready);
    expect(r.inService).toBe(inService);
    expect(r.reasons.length === 0).toBe(ready);
  });

  it('counts members by lifecycle state', () => {
    expect(lifecycleCounts([member('running', 'InService'), member('running', 'Standby'), member('running', 'Standby'), member('terminated', undefined)])).toEqual({
      Pending: 0,
      InService: 1,
      Standby: 2,
      Terminating: 0,
    });
  });
});

describe('sizeAfter', () => {
  const now = { min: 1, desired: 2, max: 4 };
  it.each([
    [{ desired: 3 }, { min: 1, desired: 3, max: 4 }],
    [{ min: 3 }, { min: 3, desired: 3, max: 4 }],
    [{ max: 1 }, { min: 1, desired: 1, max: 1 }],
    [{ min: 0, desired: 0, max: 0 }, { min: 0, desired: 0, max: 0 }],
  ])('%j gives %j', (change, size) => {
    expect(sizeAfter(now, change)).toEqual(size);
  });

  it.each([
    [{ desired: 5 }, 'desired'],
    [{ desired: 0 }, 'desired'],
    [{ min: 5 }, 'min'],
    [{ max: 0 }, 'max'],
    [{ min: 2, max: 2, desired: 3 }, 'desired'],
  ])('refuses %j at %s', (change, path) => {
    const err = (() => {
      try {
        sizeAfter(now, change);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).errors.map((e) => e.path)).toEqual([path]);
  });
});
