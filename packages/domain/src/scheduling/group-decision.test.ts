import { describe, expect, it } from 'vitest';
import { decideGroup, savedSizeOf, SAVED_SIZE_TAGS, tagsWithoutSavedSize, tagsWithSavedSize, type ScheduleScalableGroup } from './group-decision.js';
import type { ScheduleEnvironment } from './schedule-source.js';

const NINE_TO_FIVE = 'start: 0 9 * * 1-5; stop: 0 17 * * 1-5';
const WED_NOON = Date.parse('2026-11-25T12:00:00Z');
const WED_NIGHT = Date.parse('2026-11-25T22:00:00Z');
const env: ScheduleEnvironment = { name: 'c50', exists: true, inMaintenance: false, manualScheduleUp: true, scheduleAutomatically: false };
const saved = tagsWithSavedSize({}, { min: 1, desired: 2, max: 4 });
const group = (tags: Record<string, string>, size = { min: 1, desired: 2, max: 4 }): ScheduleScalableGroup => ({
  name: 'c50-in-Web', tags: { ScheduleMode: 'scale-to-zero', Environment: 'c50', ...tags }, size,
});

describe('decideGroup', () => {
  it.each([
    ['scales a running group to zero when its schedule says off', group({ Schedule: NINE_TO_FIVE }), WED_NIGHT, { action: 'scaleToZero', source: 'asg', size: { min: 1, desired: 2, max: 4 } }],
    ['restores the remembered size when it says on', group({ Schedule: NINE_TO_FIVE, ...saved }, { min: 0, desired: 0, max: 4 }), WED_NOON, { action: 'restoreSize', size: { min: 1, desired: 2, max: 4 } }],
    ['leaves a scaled group alone while off', group({ Schedule: NINE_TO_FIVE, ...saved }, { min: 0, desired: 0, max: 4 }), WED_NIGHT, { action: 'skip', skipCode: 'state-is-correct' }],
    ['leaves a running group alone while on', group({ Schedule: NINE_TO_FIVE }), WED_NOON, { action: 'skip', skipCode: 'state-is-correct' }],
    ['leaves an empty group alone', group({ Schedule: 'off' }, { min: 0, desired: 0, max: 4 }), WED_NOON, { action: 'skip', skipCode: 'state-is-correct' }],
    ['follows the environment without a group tag', group({}), WED_NOON, { action: 'skip', source: 'environment', skipCode: 'state-is-correct' }],
    ['refuses damaged size tags', group({ Schedule: 'on', [SAVED_SIZE_TAGS.min]: 'x' }), WED_NOON, { action: 'skip', skipCode: 'saved-size-invalid' }],
    ['skips an invalid schedule', group({ Schedule: 'start: 0 25 * * *' }), WED_NOON, { action: 'skip', skipCode: 'invalid-schedule' }],
    ['skips NOSCHEDULE', group({ Schedule: 'NOSCHEDULE' }), WED_NOON, { action: 'skip', skipCode: 'no-schedule' }],
    ['skips a group in maintenance', group({ Schedule: 'off', maintenance: 'TRUE' }), WED_NOON, { action: 'skip', skipCode: 'maintenance-tag' }],
  ] as const)('%s', (_why, g, at, expected) => {
    expect(decideGroup({ group: g, environment: env }, at)).toMatchObject(expected);
  });

  it('skips without an environment, or an unknown one, or one in maintenance', () => {
    expect(decideGroup({ group: group({ Schedule: 'off' }) }, WED_NOON)).toMatchObject({ skipCode: 'no-environment' });
    expect(decideGroup({ group: group({ Schedule: 'off' }), environment: { ...env, exists: false } }, WED_NOON)).toMatchObject({ skipCode: 'unknown-environment' });
    expect(decideGroup({ group: group({ Schedule: 'off' }), environment: { ...env, inMaintenance: true } }, WED_NOON)).toMatchObject({ skipCode: 'environment-in-maintenance' });
  });

  it('follows an active override above its own tag', () => {
    const d = decideGroup({ group: group({ Schedule: NINE_TO_FIVE }), environment: env, override: { state: 'on', untilMs: WED_NIGHT + 3_600_000 } }, WED_NIGHT);
    expect(d).toMatchObject({ action: 'skip', source: 'override', skipCode: 'state-is-correct' });
  });
});

describe('saved size tags', () => {
  it('round-trips through the tags and is removed again', () => {
    const tags = tagsWithSavedSize({ Role: 'Web' }, { min: 1, desired: 3, max: 5 });
    expect(savedSizeOf(tags)).toEqual({ min: 1, desired: 3, max: 5 });
    expect(tagsWithoutSavedSize(tags)).toEqual({ Role: 'Web' });
    expect(savedSizeOf({ Role: 'Web' })).toBeUndefined();
  });

  it.each([
    [{ [SAVED_SIZE_TAGS.min]: '1' }],
    [{ [SAVED_SIZE_TAGS.min]: '3', [SAVED_SIZE_TAGS.desired]: '2', [SAVED_SIZE_TAGS.max]: '4' }],
    [{ [SAVED_SIZE_TAGS.min]: '-1', [SAVED_SIZE_TAGS.desired]: '2', [SAVED_SIZE_TAGS.max]: '4' }],
  ])('calls %o invalid', (tags) => {
    expect(savedSizeOf(tags)).toBe('invalid');
  });
});
