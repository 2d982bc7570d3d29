import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dueScalingAction, parseScalingActionTag, scalingActionsOf, scalingActionTagValue, tagsWithScalingSchedule, type ScalingAction } from './scaling-schedule.js';

const MON_0700 = Date.parse('2026-11-23T07:00:00Z');
const up: ScalingAction = { Recurrence: '0 8 * * 1-5', DesiredCapacity: 4, MinSize: 1, MaxSize: 6 };
const down: ScalingAction = { Recurrence: '0 19 * * 1-5', TimeZone: 'America/New_York', DesiredCapacity: 1 };

describe('scaling schedules', () => {
  it('round-trips actions through group tags, in order, with the schedule NOSCHEDULE', () => {
    const tags = tagsWithScalingSchedule({ Environment: 'c50', schedule: 'ON', 'EM-Scheduled-Action-9': 'old' }, [up, down], MON_0700);
    expect(tags).toEqual({
      Environment: 'c50',
      Schedule: 'NOSCHEDULE',
      'EM-Scheduled-Action-1': 'desired=4 min=1 max=6 cron=0 8 * * 1-5',
      'EM-Scheduled-Action-2': 'desired=1 tz=America/New_York cron=0 19 * * 1-5',
      'EM-Scheduled-Action-Applied': '2026-11-23T07:00:00.000Z',
    });
    expect(scalingActionsOf(tags)).toEqual({ actions: [up, down], unreadable: [] });
    expect(scalingActionsOf({ ...tags, 'EM-Scheduled-Action-3': 'desired=x cron=nope' }).unreadable).toEqual(['EM-Scheduled-Action-3']);
  });

  it('is due at the latest occurrence not applied yet, in the action\'s zone', () => {
    expect(dueScalingAction([up, down], MON_0700, MON_0700)).toBeUndefined();
    expect(dueScalingAction([up, down], MON_0700, Date.parse('2026-11-23T08:00:00Z'))).toMatchObject({ index: 0, wallTime: '2026-11-23T08:00' });
    // 19:00 in New York is 00:00 UTC the next day (EST, UTC-5)
    expect(dueScalingAction([up, down], MON_0700, Date.parse('2026-11-23T23:59:00Z'))?.index).toBe(0);
    expect(dueScalingAction([up, down], MON_0700, Date.parse('2026-11-24T00:00:00Z'))).toMatchObject({ index: 1, atMs: Date.parse('2026-11-24T00:00:00Z') });
    expect(dueScalingAction([up, down], Date.parse('2026-11-24T00:00:00Z'), Date.parse('2026-11-24T07:59:00Z'))).toBeUndefined();
  });

  it('a tag value always reads back as the action it was written from', () => {
    const action = fc.record(
      {
        Recurrence: fc.constantFrom('0 8 * * 1-5', '*/15 * * * *', '30 6 1 JAN *', '0 0 29 2 *'),
        TimeZone: fc.constantFrom('UTC', 'Europe/London', 'Australia/Sydney'),
        DesiredCapacity: fc.nat(50),
        MinSize: fc.constant(0),
        MaxSize: fc.integer({ min: 50, max: 100 }),
      },
      { requiredKeys: ['Recurrence', 'DesiredCapacity'] },
    );
    fc.assert(
      fc.property(action, (a) => {
        expect(parseScalingActionTag(scalingActionTagValue(a))).toEqual(a);
      }),
    );
  });
});
