/**
 * Changes to an environment's schedule settings and its override (the ops record, SPEC §3.3 and §8), as pure
 * functions over the record's `Value`, with the checks that make a bad change a 400 naming the field and the fix.
 */
import type { FieldProblem } from '../errors.js';
import type { OpsChange, OpsRecordValue } from '../environments/ops-record.js';
import { parseSchedule } from './parse-schedule.js';

/** `PUT /environments/{name}/schedule`: omitted fields keep their value; `defaultSchedule: null` removes it. */
export interface ScheduleSettingsChange {
  manualScheduleUp?: boolean | undefined;
  scheduleAutomatically?: boolean | undefined;
  defaultSchedule?: string | null | undefined;
}

/** The record's value with the settings changed. */
export function scheduleSettingsValue(value: OpsRecordValue, change: ScheduleSettingsChange): OpsRecordValue {
  const next: OpsRecordValue = { ...value };
  if (change.manualScheduleUp !== undefined) next.ManualScheduleUp = change.manualScheduleUp;
  if (change.scheduleAutomatically !== undefined) next.ScheduleAutomatically = change.scheduleAutomatically;
  if (change.defaultSchedule === null) delete next.DefaultSchedule;
  else if (change.defaultSchedule !== undefined) next.DefaultSchedule = change.defaultSchedule.trim();
  return next;
}

/**
 * What is wrong with a settings change, given the value it leads to: a default schedule that cannot be read (the
 * message names the offset, the offending text and the fix), one with stop times but no start time (the environment
 * would never come back on), and following the default schedule without having one.
 */
export function scheduleSettingsProblems(change: ScheduleSettingsChange, after: OpsRecordValue): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (typeof change.defaultSchedule === 'string') problems.push(...defaultScheduleProblems(change.defaultSchedule));
  if (after.ScheduleAutomatically === true && after.ManualScheduleUp !== true && after.DefaultSchedule === undefined && problems.length === 0) {
    problems.push({
      path: 'defaultSchedule',
      message: 'is needed while scheduleAutomatically is true and manualScheduleUp false; give one, e.g. "start: 0 8 * * 1-5; stop: 0 19 * * 1-5 | Europe/London"',
    });
  }
  return problems;
}

function defaultScheduleProblems(text: string): FieldProblem[] {
  const parsed = parseSchedule(text);
  if (!parsed.ok) {
    const e = parsed.error;
    const shown = text.slice(e.offset, e.offset + e.length);
    return [{ path: 'defaultSchedule', message: `${e.message} (${e.code} at offset ${e.offset}: '${shown}'); ${e.fix}` }];
  }
  const s = parsed.schedule;
  if (s.kind === 'cron' && s.items.every((i) => i.action === 'stop')) {
    return [{ path: 'defaultSchedule', message: `has stop times but no start time, so the environment would never come back on; add \`start: <cron>\`, or use OFF` }];
  }
  return [];
}

/** The longest an override may last: it is a temporary exception, not a schedule. */
export const SCHEDULE_OVERRIDE_MAX_MS = 31 * 86_400_000;

/** What is wrong with an override ending at `untilMs` when set at `nowMs`. */
export function scheduleOverrideProblems(untilMs: number, nowMs: number): FieldProblem[] {
  if (!Number.isFinite(untilMs)) return [{ path: 'until', message: 'must be an ISO 8601 date-time such as 2026-11-23T22:00:00Z' }];
  if (untilMs <= nowMs) {
    return [{ path: 'until', message: `is ${new Date(untilMs).toISOString()}, not after now (${new Date(nowMs).toISOString()}); give a time in the future` }];
  }
  if (untilMs - nowMs > SCHEDULE_OVERRIDE_MAX_MS) {
    return [{ path: 'until', message: `is ${new Date(untilMs).toISOString()}, more than 31 days ahead; an override is temporary: change the schedule settings instead` }];
  }
  return [];
}

/** Sets the environment's override, replacing any earlier one (the audit keeps it). */
export function scheduleOverrideValue(value: OpsRecordValue, o: { state: 'on' | 'off'; untilMs: number }, change: OpsChange): OpsRecordValue {
  const reason = change.reason !== undefined && change.reason !== '' ? { Reason: change.reason } : {};
  return { ...value, ScheduleOverride: { State: o.state, Until: new Date(o.untilMs).toISOString(), By: change.by, At: change.at, ...reason } };
}

/** Removes the override; a value without one is returned as it is. */
export function clearScheduleOverrideValue(value: OpsRecordValue): OpsRecordValue {
  if (!value.ScheduleOverride) return value;
  const { ScheduleOverride: _dropped, ...rest } = value;
  return rest;
}
