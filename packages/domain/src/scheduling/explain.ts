/**
 * What a schedule says at an instant, in words: the status of SPEC §8 (`ON`, `OFF`, `NOT FOUND`, `NO SCHEDULE`,
 * `INVALID SCHEDULE`) and the reason, for the status route, `POST /schedule/evaluate` and `envmgr schedule explain`.
 */
import { because, scheduleExpectation, type ScheduleMemo, type ScheduleStatus } from './decide.js';
import type { ScheduleOccurrence } from './evaluate.js';
import type { ScheduleParseError } from './schedule.js';

export interface ScheduleExplanation {
  status: ScheduleStatus;
  /** Lower-case prose: the deciding item and when it occurred, or why the schedule says nothing. */
  reason: string;
  /** Set when the schedule cannot be read. */
  error?: ScheduleParseError;
  /** Set when an item of a cron schedule decided the status. */
  occurrence?: ScheduleOccurrence;
}

/** Explains one schedule text at `nowMs`. Never throws. */
export function explainSchedule(text: string, nowMs: number, memo?: ScheduleMemo): ScheduleExplanation {
  const expected = scheduleExpectation(text, nowMs, memo);
  switch (expected.kind) {
    case 'on':
    case 'off':
      return { status: expected.kind === 'on' ? 'ON' : 'OFF', reason: because(expected), ...(expected.occurrence ? { occurrence: expected.occurrence } : {}) };
    case 'invalid':
      return { status: 'INVALID SCHEDULE', reason: invalidReason(expected.error), error: expected.error };
    case 'noschedule':
      return { status: 'NO SCHEDULE', reason: 'the schedule is NOSCHEDULE: the scheduler leaves the instances alone' };
    case 'not-found':
      return { status: 'NOT FOUND', reason: 'no item of the schedule has occurred yet' };
    case 'unsupported-instant':
      return { status: 'NOT FOUND', reason: `the instant ${String(nowMs)} is outside the supported range (1970–9999)` };
  }
}

/** `invalid schedule: <message> (offset n); <fix>`, as decisions say it. */
export function invalidReason(error: ScheduleParseError): string {
  return `invalid schedule: ${error.message} (offset ${error.offset}); ${error.fix}`;
}
