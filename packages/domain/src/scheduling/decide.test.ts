import { describe, expect, it } from 'vitest';
import { decide, type ScheduleDecision } from './decide.js';
import { resolveSchedule, type ScheduleDecisionInput, type ScheduleEnvironment, type ScheduleInstanceState } from './schedule-source.js';

const NOW = Date.parse('2024-05-15T12:00Z');
const env = (over: Partial<ScheduleEnvironment> = {}): ScheduleEnvironment => ({
  name: 'c50', exists: true, inMaintenance: false, manualScheduleUp: false, scheduleAutomatically: false, ...over,
});
function input(state: ScheduleInstanceState, tags: Record<string, string>, over: Partial<ScheduleDecisionInput> = {}): ScheduleDecisionInput {
  return { instance: { id: 'i-1', state, tags }, environment: env(), ...over };
}
const group = (lifecycleState: 'Pending' | 'InService' | 'Standby' | 'Terminating', tags: Record<string, string> = {}) => ({
  group: { name: 'c50-in-Web', tags, lifecycleState },
});
const pick = (d: ScheduleDecision) => [d.action, d.source, d.skipCode];

describe('resolveSchedule: precedence', () => {
  it.each([
    ['a non-blank instance tag first', { instance: { tags: { Schedule: 'on' } }, group: { tags: { Schedule: 'off' } }, environment: env() }, { source: 'instance', text: 'on' }],
    ['a blank instance tag falls through to the group', { instance: { tags: { Schedule: '  ' } }, group: { tags: { Schedule: 'off' } } }, { source: 'asg', text: 'off' }],
    ['a blank group tag falls through to the environment', { instance: { tags: {} }, group: { tags: { Schedule: '' } }, environment: env() }, { source: 'environment', text: 'OFF' }],
    ['tag keys in another case', { instance: { tags: { schedule: '247' } } }, { source: 'instance', text: '247' }],
    ['environment: both flags false is OFF', { environment: env() }, { source: 'environment', text: 'OFF' }],
    ['environment: automatic, not manual, is its default', { environment: env({ scheduleAutomatically: true, defaultSchedule: 'start: 0 8 * * *' }) }, { source: 'environment', text: 'start: 0 8 * * *' }],
    ['environment: manual up is ON', { environment: env({ manualScheduleUp: true }) }, { source: 'environment', text: 'ON' }],
    ['environment: manual up wins over automatic', { environment: env({ manualScheduleUp: true, scheduleAutomatically: true, defaultSchedule: 'OFF' }) }, { source: 'environment', text: 'ON' }],
    ['environment: automatic without a default is blank (invalid)', { environment: env({ scheduleAutomatically: true }) }, { source: 'environment', text: '' }],
  ] as const)('%s', (_name, lookup, expected) => {
    expect(resolveSchedule(lookup)).toEqual(expected);
  });

  it('finds nothing without tags or environment', () => {
    expect(resolveSchedule({ instance: { tags: {} } })).toBeUndefined();
  });
});

describe('decide: skips, in order', () => {
  it.each([
    ['no environment', { instance: { id: 'i-1', state: 'running', tags: { Schedule: 'off' } } }, 'no-environment'],
    ['a blank environment name', input('running', { Schedule: 'off' }, { environment: env({ name: ' ' }) }), 'no-environment'],
    ['an unknown environment', input('running', { Schedule: 'off' }, { environment: env({ exists: false }) }), 'unknown-environment'],
    ['tag Maintenance=true before an invalid schedule', input('running', { Schedule: 'gah', maintenance: ' True ' }), 'maintenance-tag'],
    ['ours: the environment in maintenance', input('running', { Schedule: 'off' }, { environment: env({ inMaintenance: true }) }), 'environment-in-maintenance'],
    ['group instances ignored', input('running', { Schedule: 'off' }, { ...group('InService'), options: { ignoreGroupInstances: true } }), 'group-instances-ignored'],
    ['an invalid schedule before the instance state', input('pending', { Schedule: 'start: 0 25 * * *' }), 'invalid-schedule'],
    ['an environment without its default schedule', input('running', {}, { environment: env({ scheduleAutomatically: true }) }), 'invalid-schedule'],
    ['NOSCHEDULE before the instance state', input('terminated', { Schedule: 'NoSchedule' }), 'no-schedule'],
    ['pending', input('pending', { Schedule: 'on' }), 'transitioning'],
    ['terminated', input('terminated', { Schedule: 'on' }), 'transitioning'],
    ['group lifecycle Pending', input('running', { Schedule: 'off' }, group('Pending')), 'group-lifecycle'],
    ['group lifecycle Terminating', input('running', { Schedule: 'off' }, group('Terminating')), 'group-lifecycle'],
    ['nothing has occurred yet', input('running', { Schedule: 'start: 0 8 * * * 2030' }), 'not-found'],
    ['an instant out of range', input('running', { Schedule: 'start: 0 8 * * *' }), 'unsupported-instant', Number.NaN],
  ] as const)('%s', (_name, given, skipCode, nowMs: number = NOW) => {
    const d = decide(given, nowMs);
    expect(d).toMatchObject({ action: 'skip', skipCode });
    expect(d.reason).toMatch(/^[a-z]/);
  });

  it('says why a schedule is invalid, where, and how to fix it', () => {
    const d = decide(input('running', { Schedule: 'Start: 0 8 * * * | Stop: 0 19 * * *' }), NOW);
    expect(d.reason).toBe(
      'invalid schedule: items are separated by `|`, which introduces the time zone (offset 17); use `start: <cron>; stop: <cron>`, not `Start: … | Stop: …`',
    );
  });

  it('names the deciding item and when it occurred', () => {
    const d = decide(input('running', { Schedule: 'start: 0 8 * * *; stop: 0 11 * * * | Europe/London' }), NOW);
    expect(d).toEqual({
      action: 'switchOff',
      source: 'instance',
      schedule: 'start: 0 8 * * *; stop: 0 11 * * * | Europe/London',
      reason: "item 2 (stop) occurred at 2024-05-15T11:00 in the schedule's zone (2024-05-15T10:00:00.000Z); the instance is running",
    });
  });
});

describe('decide: group members', () => {
  it.each([
    // should be off: leave service first, then stop
    ['off, InService, running', 'running', 'InService', 'off', ['putOutOfService', 'asg', undefined]],
    ['off, InService, stopped', 'stopped', 'InService', 'off', ['putOutOfService', 'asg', undefined]],
    ['off, Standby, running', 'running', 'Standby', 'off', ['switchOff', 'asg', undefined]],
    ['off, Standby, stopped', 'stopped', 'Standby', 'off', ['skip', 'asg', 'state-is-correct']],
    // should be on: start, then return to service
    ['on, Standby, stopped', 'stopped', 'Standby', '247', ['switchOn', 'asg', undefined]],
    ['on, Standby, running', 'running', 'Standby', '247', ['putInService', 'asg', undefined]],
    ['on, InService, running', 'running', 'InService', '247', ['skip', 'asg', 'state-is-correct']],
    ['on, InService, stopped', 'stopped', 'InService', '247', ['switchOn', 'asg', undefined]],
  ] as const)('%s', (_name, state, lifecycle, schedule, expected) => {
    expect(pick(decide(input(state, {}, group(lifecycle, { Schedule: schedule })), NOW))).toEqual(expected);
  });

  it('walks an InService instance down to stopped and back up over four runs', () => {
    const states: [ScheduleInstanceState, 'InService' | 'Standby'][] = [];
    let state: ScheduleInstanceState = 'running';
    let lifecycle: 'InService' | 'Standby' = 'InService';
    for (const schedule of ['off', 'off', 'off', 'on', 'on', 'on']) {
      const d = decide(input(state, {}, group(lifecycle, { Schedule: schedule })), NOW);
      if (d.action === 'putOutOfService') lifecycle = 'Standby';
      if (d.action === 'putInService') lifecycle = 'InService';
      if (d.action === 'switchOff') state = 'stopped';
      if (d.action === 'switchOn') state = 'running';
      states.push([state, lifecycle]);
    }
    expect(states).toEqual([
      ['running', 'Standby'], ['stopped', 'Standby'], ['stopped', 'Standby'],
      ['running', 'Standby'], ['running', 'InService'], ['running', 'InService'],
    ]);
  });
});
