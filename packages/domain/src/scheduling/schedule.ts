/**
 * The typed form of a schedule (SPEC §8): a `Schedule` tag, an ASG `Schedule` tag or an environment's
 * `DefaultSchedule`, once parsed by `parseSchedule`.
 */
import type { CronFieldName } from './cron-field.js';

export type ScheduleAction = 'start' | 'stop';

/** The sets a cron matches, in the schedule's zone. Arrays are ascending, without duplicates. */
export interface CronMatch {
  minutes: readonly number[];
  hours: readonly number[];
  /** Days of the month, 1–31. */
  days: readonly number[];
  /** 1–12. */
  months: readonly number[];
  /** 0–6, 0 = Sunday (a written `7` is Sunday too). */
  weekdays: readonly number[];
  /** Undefined when the cron has five fields (every year). */
  years: readonly number[] | undefined;
  /**
   * Whether the day and weekday fields are restricted (do not start with `*`). When both are, a day matches if
   * either matches (standard cron); otherwise both must.
   */
  isDayRestricted: boolean;
  isWeekdayRestricted: boolean;
}

export interface ScheduleItem {
  action: ScheduleAction;
  /** The cron as written, fields separated by single spaces. */
  cron: string;
  match: CronMatch;
}

export type Schedule =
  /** `247` or `ON`. */
  | { kind: 'on' }
  | { kind: 'off' }
  /** `NOSCHEDULE`: the scheduler leaves the instance alone. */
  | { kind: 'noschedule' }
  | CronSchedule;

export interface CronSchedule {
  kind: 'cron';
  /** In the order written; at least one. */
  items: readonly ScheduleItem[];
  /** The IANA zone the crons are read in, as the runtime names it (`UTC` when the schedule names none). */
  zone: string;
}

/** Stable codes of `ScheduleParseError`. */
export type ScheduleErrorCode =
  | 'empty'
  | 'empty-item'
  | 'missing-action'
  | 'unknown-action'
  | 'missing-cron'
  | 'field-count'
  | 'bad-syntax'
  | 'out-of-range'
  | 'bad-range'
  | 'bad-step'
  | 'pipe-between-items'
  | 'missing-zone'
  | 'unknown-zone'
  | 'extra-pipe';

/** Where a schedule is wrong and how to fix it. The message names the value received. */
export interface ScheduleParseError {
  code: ScheduleErrorCode;
  message: string;
  /** What to write instead. */
  fix: string;
  /** Character offset into the text given to `parseSchedule` (untrimmed), and the length of the offending part. */
  offset: number;
  length: number;
  /** 1-based number of the `;`-separated item, when the problem is inside one. */
  item?: number;
  field?: CronFieldName;
}

export type ParseScheduleResult = { ok: true; schedule: Schedule } | { ok: false; error: ScheduleParseError };
