/**
 * The worked examples of SPEC §8 (rows 1–12), read with our semantics: the sixth cron field is a year, so row 3's
 * `0 6 * * * *` is 06:00 every day of every year.
 */
import { describe, expect, it } from 'vitest';
import { decide, scheduleStatus, type ScheduleDecision } from './decide.js';
import type { ScheduleDecisionInput, ScheduleEnvironment, ScheduleInstanceState, ScheduleLifecycleState } from './schedule-source.js';

const at = (iso: string): number => Date.parse(iso);
const env = (over: Partial<ScheduleEnvironment> = {}): ScheduleEnvironment => ({
  name: 'c50', exists: true, inMaintenance: false, manualScheduleUp: true, scheduleAutomatically: false, ...over,
});

/** An instance of environment c50 (which is always on unless told), optionally tagged and in a group. */
function input(state: ScheduleInstanceState, tags: Record<string, string> = {}, over: Partial<ScheduleDecisionInput> = {}): ScheduleDecisionInput {
  return { instance: { id: 'i-1', state, tags }, environment: env(), ...over };
}
const inGroup = (lifecycleState: ScheduleLifecycleState, tags: Record<string, string> = {}) => ({ group: { name: 'c50-in-Web', tags, lifecycleState } });
const ANY = at('2016-06-15T12:34:56Z');

type Row = [row: string, input: ScheduleDecisionInput, at: number, expected: Partial<ScheduleDecision>];

const rows: Row[] = [
  ['1 247 stopped', input('stopped', { Schedule: '247' }), ANY, { action: 'switchOn', source: 'instance' }],
  ['1 ON stopped', input('stopped', { Schedule: 'ON' }), ANY, { action: 'switchOn', source: 'instance' }],
  ['1 247 running', input('running', { Schedule: '247' }), ANY, { action: 'skip', source: 'instance', skipCode: 'state-is-correct' }],
  ['1 ON running', input('running', { Schedule: 'on' }), ANY, { action: 'skip', source: 'instance', skipCode: 'state-is-correct' }],
  ['2 off running', input('running', { Schedule: 'off' }), ANY, { action: 'switchOff', source: 'instance' }],
  ['2 off stopped', input('stopped', { Schedule: 'off' }), ANY, { action: 'skip', skipCode: 'state-is-correct' }],
  ['3 06:30 stopped', input('stopped', { Schedule: 'start: 0 6 * * * *; stop: 0 7 * * * *' }), at('2016-01-01T06:30Z'), { action: 'switchOn' }],
  ['3 07:30 stopped', input('stopped', { Schedule: 'start: 0 6 * * * *; stop: 0 7 * * * *' }), at('2016-01-01T07:30Z'), { action: 'skip', skipCode: 'state-is-correct' }],
  ['3 05:30 running', input('running', { Schedule: 'start: 0 6 * * * *; stop: 0 7 * * * *' }), at('2016-01-01T05:30Z'), { action: 'switchOff' }],
  ['4 23:59:59 running', input('running', { Schedule: 'stop: 0 23 * * * *; start: 0 0 * * * *' }), at('2016-01-01T23:59:59Z'), { action: 'switchOff' }],
  ['4 00:00:00 stopped', input('stopped', { Schedule: 'stop: 0 23 * * * *; start: 0 0 * * * *' }), at('2016-01-02T00:00:00Z'), { action: 'switchOn' }],
  ['5 15:57', input('running', { Schedule: 'stop: 27 16 21 10 * 2016' }), at('2016-10-21T15:57Z'), { action: 'skip', skipCode: 'not-found' }],
  ['5 16:57', input('running', { Schedule: 'stop: 27 16 21 10 * 2016' }), at('2016-10-21T16:57Z'), { action: 'switchOff' }],
  ['6 London 16:57', input('running', { Schedule: 'stop: 27 17 21 10 * 2016 | Europe/London' }), at('2016-10-21T16:57Z'), { action: 'switchOff' }],
  ['6 London 16:20 (17:20 BST)', input('running', { Schedule: 'stop: 27 17 21 10 * 2016 | Europe/London' }), at('2016-10-21T16:20Z'), { action: 'skip', skipCode: 'not-found' }],
  ['7 InService off', input('running', {}, inGroup('InService', { Schedule: 'off' })), ANY, { action: 'putOutOfService', source: 'asg' }],
  ['7 next run, Standby', input('running', {}, inGroup('Standby', { Schedule: 'off' })), ANY, { action: 'switchOff', source: 'asg' }],
  ['7 instance tag off', input('running', { Schedule: 'off' }, inGroup('InService')), ANY, { action: 'putOutOfService', source: 'instance' }],
  ['8 Standby stopped 247', input('stopped', {}, inGroup('Standby', { Schedule: '247' })), ANY, { action: 'switchOn', source: 'asg' }],
  ['8 Standby running 247', input('running', {}, inGroup('Standby', { Schedule: '247' })), ANY, { action: 'putInService', source: 'asg' }],
  ['9 env both false', input('running', {}, { environment: env({ manualScheduleUp: false, scheduleAutomatically: false }) }), ANY, { action: 'switchOff', source: 'environment', schedule: 'OFF' }],
  [
    '10 env default schedule',
    input('stopped', {}, { environment: env({ manualScheduleUp: false, scheduleAutomatically: true, defaultSchedule: 'start: 0 6 * * * *; stop: 0 7 * * * *' }) }),
    at('2016-01-01T06:30Z'),
    { action: 'switchOn', source: 'environment', schedule: 'start: 0 6 * * * *; stop: 0 7 * * * *' },
  ],
  ['11 rubbish', input('running', { Schedule: 'rubbish' }), ANY, { action: 'skip', source: 'instance', skipCode: 'invalid-schedule' }],
  ['11 :', input('running', { Schedule: ':' }), ANY, { action: 'skip', skipCode: 'invalid-schedule' }],
  ['11 start:;', input('running', { Schedule: 'start:;' }), ANY, { action: 'skip', skipCode: 'invalid-schedule' }],
  ['11 start:*;gah:', input('running', { Schedule: 'start:*;gah:' }), ANY, { action: 'skip', skipCode: 'invalid-schedule' }],
  ['11 NOSCHEDULE', input('running', { Schedule: 'NOSCHEDULE' }), ANY, { action: 'skip', skipCode: 'no-schedule' }],
  ['11 MAINTENANCE=TRUE', input('stopped', { Schedule: '247', MAINTENANCE: 'TRUE' }), ANY, { action: 'skip', skipCode: 'maintenance-tag' }],
  ['11 stopping', input('stopping', { Schedule: 'off' }), ANY, { action: 'skip', skipCode: 'transitioning' }],
];

describe('SPEC §8 worked examples: decide', () => {
  it.each(rows)('row %s', (_row, given, nowMs, expected) => {
    const decision = decide(given, nowMs);
    expect(decision).toMatchObject(expected);
    expect(decision.reason).toMatch(/^[a-z]/);
  });
});

describe('SPEC §8 worked examples: status', () => {
  const twelve = { instance: { tags: { Schedule: 'stop: 0 0 1 1 * 2016; start: 0 1 1 1 * 2016' } } };
  it.each([
    ['12 before any item', twelve, at('2015-12-31T23:59:59Z'), 'NOT FOUND'],
    ['12 after the stop', twelve, at('2016-01-01T00:15Z'), 'OFF'],
    ['12 after the start', twelve, at('2016-01-01T01:00Z'), 'ON'],
    ['12 years later', twelve, at('2024-01-01T00:15Z'), 'ON'],
    ['NOSCHEDULE', { instance: { tags: { Schedule: 'noschedule' } } }, ANY, 'NO SCHEDULE'],
    ['invalid', { instance: { tags: { Schedule: 'start:*;gah:' } } }, ANY, 'INVALID SCHEDULE'],
    ['environment off', { environment: env({ manualScheduleUp: false }) }, ANY, 'OFF'],
    ['environment on', { environment: env() }, ANY, 'ON'],
    ['nothing applies', {}, ANY, 'NOT FOUND'],
  ] as const)('%s', (_name, lookup, nowMs, status) => {
    expect(scheduleStatus(lookup, nowMs)).toBe(status);
  });
});
