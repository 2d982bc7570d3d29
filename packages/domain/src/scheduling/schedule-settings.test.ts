import { describe, expect, it } from 'vitest';
import { clearScheduleOverrideValue, scheduleOverrideProblems, scheduleOverrideValue, scheduleSettingsProblems, scheduleSettingsValue } from './schedule-settings.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');

describe('schedule settings', () => {
  it('changes only the given fields and removes the default schedule with null', () => {
    const before = { DeploymentsLocked: true, ManualScheduleUp: true, DefaultSchedule: 'OFF' };
    expect(scheduleSettingsValue(before, { scheduleAutomatically: true, defaultSchedule: ' 247 ' })).toEqual({ DeploymentsLocked: true, ManualScheduleUp: true, ScheduleAutomatically: true, DefaultSchedule: '247' });
    expect(scheduleSettingsValue(before, { defaultSchedule: null })).toEqual({ DeploymentsLocked: true, ManualScheduleUp: true });
  });

  it.each([
    ['an unreadable schedule, with where and the fix', { defaultSchedule: 'start: 0 25 * * *' }, /^item 1: hour 25 is out of range 0–23 \(out-of-range at offset 9: '25'\); use an hour from 0 to 23$/],
    ['an unknown zone', { defaultSchedule: 'start: 0 8 * * * | Mars/Olympus' }, /unknown time zone 'Mars\/Olympus'.*name an IANA zone/],
    ['a stop time with no start', { defaultSchedule: 'stop: 0 19 * * 1-5' }, /stop times but no start time.*add `start: <cron>`/],
    ['following a default schedule without one', { scheduleAutomatically: true }, /is needed while scheduleAutomatically is true/],
  ])('refuses %s', (_why, change, message) => {
    const problems = scheduleSettingsProblems(change, scheduleSettingsValue({}, change));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('defaultSchedule');
    expect(problems[0]?.message).toMatch(message);
  });

  it('accepts schedules that switch on, and manual up without a default', () => {
    for (const change of [{ defaultSchedule: 'start: 0 8 * * 1-5; stop: 0 19 * * 1-5 | Europe/London' }, { defaultSchedule: 'OFF' }, { scheduleAutomatically: true, manualScheduleUp: true }]) {
      expect(scheduleSettingsProblems(change, scheduleSettingsValue({}, change))).toEqual([]);
    }
  });
});

describe('schedule overrides', () => {
  it('refuses a time in the past, now, or more than 31 days ahead', () => {
    expect(scheduleOverrideProblems(NOW - 1, NOW)[0]).toMatchObject({ path: 'until', message: expect.stringMatching(/not after now.*give a time in the future/) as unknown });
    expect(scheduleOverrideProblems(NOW, NOW)).toHaveLength(1);
    expect(scheduleOverrideProblems(NOW + 32 * 86_400_000, NOW)[0]?.message).toMatch(/more than 31 days ahead/);
    expect(scheduleOverrideProblems(NOW + 3_600_000, NOW)).toEqual([]);
  });

  it('sets, replaces and clears the override, keeping the rest of the record', () => {
    const set = scheduleOverrideValue({ ManualScheduleUp: true }, { state: 'on', untilMs: NOW + 3_600_000 }, { by: 'alice', at: '2026-11-23T12:00:00.000Z', reason: 'demo' });
    expect(set).toEqual({ ManualScheduleUp: true, ScheduleOverride: { State: 'on', Until: '2026-11-23T13:00:00.000Z', By: 'alice', At: '2026-11-23T12:00:00.000Z', Reason: 'demo' } });
    expect(clearScheduleOverrideValue(set)).toEqual({ ManualScheduleUp: true });
    const plain = { ManualScheduleUp: true };
    expect(clearScheduleOverrideValue(plain)).toBe(plain);
  });
});
