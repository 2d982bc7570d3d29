import { describe, expect, it } from 'vitest';
import { nameProblems, nextSize, pickSurplus, sizeProblems } from './group-rules.js';
import type { InstanceRecord } from './records.js';

const member = (id: string, launchTime: string, extra: Partial<InstanceRecord> = {}): InstanceRecord => ({
  id,
  tags: {},
  state: 'running',
  group: 'g',
  lifecycleState: 'InService',
  health: 'Healthy',
  launchTime,
  privateAddress: '127.0.0.1',
  servicePorts: { first: 1, last: 2 },
  ...extra,
});

describe('group rules', () => {
  it.each([
    [{ min: 0, desired: 0, max: 0 }, []],
    [{ min: 1, desired: 2, max: 3 }, []],
    [{ min: 2, desired: 1, max: 3 }, ['size.desired']],
    [{ min: 0, desired: 4, max: 3 }, ['size.desired']],
    [{ min: 3, desired: 3, max: 2 }, ['size.min']],
    [{ min: -1, desired: 1.5, max: 3 }, ['size.min', 'size.desired']],
  ])('checks size %o', (size, paths) => {
    expect(sizeProblems(size).map((p) => p.path)).toEqual(paths);
  });

  it('checks names', () => {
    expect(nameProblems('d01-in-Web-blue')).toEqual([]);
    expect(nameProblems('')).toHaveLength(1);
    expect(nameProblems('x'.repeat(256))).toHaveLength(1);
    expect(nameProblems('a\nb')).toHaveLength(1);
  });

  it('moves an omitted desired size into new bounds', () => {
    expect(nextSize({ min: 0, desired: 2, max: 5 }, { min: 3 })).toEqual({ min: 3, desired: 3, max: 5 });
    expect(nextSize({ min: 0, desired: 4, max: 5 }, { max: 2 })).toEqual({ min: 0, desired: 2, max: 2 });
    expect(nextSize({ min: 0, desired: 4, max: 5 }, { max: 2, desired: 4 })).toEqual({ min: 0, desired: 4, max: 2 });
    expect(nextSize({ min: 0, desired: 4, max: 5 })).toEqual({ min: 0, desired: 4, max: 5 });
  });

  it('terminates unhealthy, then pending, then the newest members first', () => {
    const old = member('i-a', '2026-01-01T00:00:00.000Z');
    const young = member('i-b', '2026-01-02T00:00:00.000Z');
    const pending = member('i-c', '2026-01-01T00:00:00.000Z', { lifecycleState: 'Pending', state: 'pending' });
    const sick = member('i-d', '2025-12-01T00:00:00.000Z', { health: 'Unhealthy' });
    expect(pickSurplus([old, young, pending, sick], 4).map((r) => r.id)).toEqual(['i-d', 'i-c', 'i-b', 'i-a']);
    expect(pickSurplus([old, young], 1).map((r) => r.id)).toEqual(['i-b']);
    expect(pickSurplus([old], 0)).toEqual([]);
  });
});
