import { describe, expect, it } from 'vitest';
import { createScheduleMemo, decide } from './decide.js';
import { decideWithOverride, isOverrideActive, type ScheduleOverride } from './override.js';
import type { ScheduleDecisionInput, ScheduleEnvironment } from './schedule-source.js';

const NOW = Date.parse('2026-11-23T20:00:00Z');
const until = Date.parse('2026-11-23T22:00:00Z');
const on: ScheduleOverride = { state: 'on', untilMs: until, by: 'alice', reason: 'late release' };
const off: ScheduleOverride = { state: 'off', untilMs: until, by: 'bob' };
const env: ScheduleEnvironment = { name: 'c50', exists: true, inMaintenance: false, manualScheduleUp: false, scheduleAutomatically: true, defaultSchedule: 'start: 0 8 * * 1-5; stop: 0 19 * * 1-5' };
const input = (state: 'running' | 'stopped', tags: Record<string, string> = {}, over: Partial<ScheduleDecisionInput> = {}): ScheduleDecisionInput => ({
  instance: { id: 'i-1', state, tags }, environment: env, ...over,
});

describe('decideWithOverride', () => {
  it('is decide() without an override, or once it has expired', () => {
    for (const o of [undefined, { ...on, untilMs: NOW }]) {
      expect(decideWithOverride(input('stopped'), o, NOW)).toEqual(decide(input('stopped'), NOW));
    }
    expect(isOverrideActive(on, until - 1)).toBe(true);
    expect(isOverrideActive(on, until)).toBe(false);
  });

  it.each([
    ['keeps a stopped instance on after its schedule said off', input('stopped'), on, 'switchOn'],
    ['wins over an instance tag', input('stopped', { Schedule: 'OFF' }), on, 'switchOn'],
    ['wins over a group tag', input('running', {}, { group: { name: 'c50-in-Web', tags: { Schedule: '247' }, lifecycleState: 'InService' } }), off, 'putOutOfService'],
    ['switches off a running instance', input('running', { Schedule: 'start: 0 0 * * *' }), off, 'switchOff'],
  ] as const)('%s', (_why, given, o, action) => {
    const d = decideWithOverride(given, o, NOW);
    expect(d).toMatchObject({ action, source: 'override', schedule: `${o.state.toUpperCase()} until 2026-11-23T22:00:00.000Z` });
    expect(d.reason).toMatch(new RegExp(`^overridden ${o.state} until 2026-11-23T22:00:00.000Z by ${o.by}`));
  });

  it('says who and why', () => {
    expect(decideWithOverride(input('stopped'), on, NOW).reason).toContain('by alice (late release)');
  });

  it.each([
    ['an instance tagged NOSCHEDULE', input('running', { Schedule: 'noschedule' }), 'no-schedule'],
    ['an instance tagged Maintenance=true', input('running', { Maintenance: 'true' }), 'maintenance-tag'],
    ['an environment in maintenance', input('running', {}, { environment: { ...env, inMaintenance: true } }), 'environment-in-maintenance'],
  ] as const)('leaves alone %s', (_why, given, skipCode) => {
    expect(decideWithOverride(given, off, NOW)).toMatchObject({ action: 'skip', skipCode });
  });

  it('gives the same decisions with a memo', () => {
    const memo = createScheduleMemo(NOW);
    for (const o of [undefined, on, off]) {
      for (const i of [input('running'), input('stopped', { Schedule: 'off' }), input('running', { Schedule: 'gah' })]) {
        expect(decideWithOverride(i, o, NOW, memo)).toEqual(decideWithOverride(i, o, NOW));
      }
    }
  });
});
