/**
 * The scheduler's decision for one instance at one instant (SPEC §8), and a schedule's status. Pure and total: any
 * schedule text and any instant give a decision, never an exception.
 */
import { evaluateSchedule, type ScheduleOccurrence } from './evaluate.js';
import { parseSchedule } from './parse-schedule.js';
import type { ScheduleParseError } from './schedule.js';
import {
  isInMaintenanceByTag,
  resolveSchedule,
  type ScheduleDecisionInput,
  type ScheduleGroup,
  type ScheduleLookup,
  type ScheduleSource,
} from './schedule-source.js';
import { isSupportedScheduleInstant } from './zone-time.js';

export type ScheduleDecisionAction = 'switchOn' | 'switchOff' | 'putInService' | 'putOutOfService' | 'skip';

/** Why an instance is skipped; stable, for callers that switch on it. */
export type ScheduleSkipCode =
  | 'no-environment'
  | 'unknown-environment'
  | 'maintenance-tag'
  | 'environment-in-maintenance'
  | 'group-instances-ignored'
  | 'invalid-schedule'
  | 'no-schedule'
  | 'transitioning'
  | 'group-lifecycle'
  | 'not-found'
  | 'unsupported-instant'
  | 'state-is-correct'
  /** A deployment in progress holds the instance's group on (ours: schedule-aware deployments). */
  | 'held-by-deployment';

export interface ScheduleDecision {
  action: ScheduleDecisionAction;
  /** Set once a schedule was found. */
  source?: ScheduleSource;
  /** Lower-case prose for people; switch on `action` and `skipCode`, never on this. */
  reason: string;
  /** The deciding schedule's text, once found. */
  schedule?: string;
  /** Set when `action` is `skip`. */
  skipCode?: ScheduleSkipCode;
}

export type ScheduleStatus = 'ON' | 'OFF' | 'NOT FOUND' | 'NO SCHEDULE' | 'INVALID SCHEDULE';

/** What a schedule says at an instant. */
export type ScheduleExpectation =
  | { kind: 'on' | 'off'; occurrence?: ScheduleOccurrence }
  | { kind: 'invalid'; error: ScheduleParseError }
  | { kind: 'noschedule' }
  | { kind: 'not-found' }
  | { kind: 'unsupported-instant' };
type Expected = ScheduleExpectation;

/**
 * What each distinct schedule text says at one instant, remembered so that deciding for many instances parses and
 * evaluates each text once. Valid for its `nowMs` only; {@link scheduleExpectation} ignores it at another instant.
 */
export interface ScheduleMemo {
  readonly nowMs: number;
  readonly byText: Map<string, ScheduleExpectation>;
}

export function createScheduleMemo(nowMs: number): ScheduleMemo {
  return { nowMs, byText: new Map() };
}

/** What the schedule `text` says at `nowMs`: on or off (with the deciding occurrence), or why it says nothing. */
export function scheduleExpectation(text: string, nowMs: number, memo?: ScheduleMemo): ScheduleExpectation {
  if (memo === undefined || memo.nowMs !== nowMs) return expectedState(text, nowMs);
  let expected = memo.byText.get(text);
  if (expected === undefined) {
    expected = expectedState(text, nowMs);
    memo.byText.set(text, expected);
  }
  return expected;
}

function expectedState(text: string, nowMs: number): Expected {
  const parsed = parseSchedule(text);
  if (!parsed.ok) return { kind: 'invalid', error: parsed.error };
  const s = parsed.schedule;
  if (s.kind !== 'cron') return { kind: s.kind };
  if (!isSupportedScheduleInstant(nowMs)) return { kind: 'unsupported-instant' };
  const occurrence = evaluateSchedule(s, nowMs);
  if (occurrence === undefined) return { kind: 'not-found' };
  return { kind: occurrence.action === 'start' ? 'on' : 'off', occurrence };
}

/**
 * The status of the schedule that applies (`GET /environments/{name}/schedule-status`): `NOT FOUND` when no schedule
 * applies, no item has occurred yet, or the instant is outside the supported range.
 */
export function scheduleStatus(lookup: ScheduleLookup, nowMs: number): ScheduleStatus {
  const resolved = resolveSchedule(lookup);
  if (resolved === undefined) return 'NOT FOUND';
  const expected = expectedState(resolved.text, nowMs);
  switch (expected.kind) {
    case 'on': return 'ON';
    case 'off': return 'OFF';
    case 'noschedule': return 'NO SCHEDULE';
    case 'invalid': return 'INVALID SCHEDULE';
    case 'not-found':
    case 'unsupported-instant': return 'NOT FOUND';
  }
}

/**
 * What the scheduler does to an instance at `nowMs`. Checks run in the order of SPEC §8's skip list. A `memo` made
 * for the same `nowMs` only saves work: the decision is the same with or without it.
 */
export function decide(input: ScheduleDecisionInput, nowMs: number, memo?: ScheduleMemo): ScheduleDecision {
  const { instance, group, environment: env } = input;
  if (env === undefined || env.name.trim() === '') return skip('no-environment', 'the instance has no Environment tag');
  if (!env.exists) return skip('unknown-environment', `environment '${env.name}' does not exist`);
  if (isInMaintenanceByTag(instance.tags)) return skip('maintenance-tag', 'the instance is tagged Maintenance=true');
  if (env.inMaintenance) return skip('environment-in-maintenance', `environment '${env.name}' is in maintenance`);
  if (group && input.options?.ignoreGroupInstances) return skip('group-instances-ignored', `the instance is in group '${group.name}' and group instances are ignored`);
  const resolved = resolveSchedule(input);
  // an environment always yields a schedule; this narrows the type
  if (resolved === undefined) return skip('no-environment', 'the instance has no schedule and no environment');
  const act = (action: ScheduleDecisionAction, reason: string): ScheduleDecision => ({ action, source: resolved.source, reason, schedule: resolved.text });
  const pass = (skipCode: ScheduleSkipCode, reason: string): ScheduleDecision => ({ ...act('skip', reason), skipCode });
  const expected = scheduleExpectation(resolved.text, nowMs, memo);
  if (expected.kind === 'invalid') return pass('invalid-schedule', `invalid schedule: ${expected.error.message} (offset ${expected.error.offset}); ${expected.error.fix}`);
  if (expected.kind === 'noschedule') return pass('no-schedule', 'the schedule is NOSCHEDULE');
  if (instance.state !== 'running' && instance.state !== 'stopped') return pass('transitioning', `the instance is ${instance.state}, between states`);
  if (group && group.lifecycleState !== 'InService' && group.lifecycleState !== 'Standby') {
    return pass('group-lifecycle', `the instance is ${group.lifecycleState} in group '${group.name}'`);
  }
  if (expected.kind === 'not-found') return pass('not-found', 'no item of the schedule has occurred yet');
  if (expected.kind === 'unsupported-instant') return pass('unsupported-instant', `the instant ${String(nowMs)} is outside the supported range (1970–9999)`);
  const why = because(expected);
  const step = stepFor(expected.kind === 'on', instance.state === 'running', group);
  return step.action === 'skip' ? pass('state-is-correct', `${why}; ${step.detail}`) : act(step.action, `${why}; ${step.detail}`);
}

/**
 * The next step towards the scheduled state. A group member leaves service before it stops and starts before it
 * returns to service, one step per run, so that the group does not replace it.
 */
function stepFor(isOn: boolean, isRunning: boolean, group: ScheduleGroup | undefined): { action: ScheduleDecisionAction; detail: string } {
  const where = group ? ` (${group.lifecycleState} in group '${group.name}')` : '';
  const as = isRunning ? `the instance is running${where}` : `the instance is stopped${where}`;
  if (isOn && !isRunning) return { action: 'switchOn', detail: as };
  if (isOn && group?.lifecycleState === 'Standby') return { action: 'putInService', detail: `the instance runs in Standby in group '${group.name}'` };
  if (isOn) return { action: 'skip', detail: as };
  if (group?.lifecycleState === 'InService') return { action: 'putOutOfService', detail: `${as}; it enters Standby first and is stopped on a later run` };
  return { action: isRunning ? 'switchOff' : 'skip', detail: as };
}

function skip(skipCode: ScheduleSkipCode, reason: string): ScheduleDecision {
  return { action: 'skip', reason, skipCode };
}

/** Why a schedule says on or off: the deciding item and when it occurred, for reasons shown to people. */
export function because(expected: { kind: 'on' | 'off'; occurrence?: ScheduleOccurrence }): string {
  const o = expected.occurrence;
  if (o === undefined) return `the schedule says ${expected.kind}`;
  // with a memo, many decisions share one occurrence: word it once
  let text = becauseOf.get(o);
  if (text === undefined) {
    text = `item ${o.itemIndex + 1} (${o.action}) occurred at ${o.wallTime} in the schedule's zone (${new Date(o.atMs).toISOString()})`;
    becauseOf.set(o, text);
  }
  return text;
}

const becauseOf = new WeakMap<ScheduleOccurrence, string>();
