/**
 * Evaluation of a cron schedule (SPEC §8): each item's latest occurrence at or before an instant, in the schedule's
 * zone; the latest wins; when none has occurred yet there is no state (`NOT FOUND`). Occurrences follow the
 * wall-clock rule of `zone-time.ts`, so evaluation is correct across DST changes in every IANA zone.
 */
import type { CronMatch, CronSchedule, ScheduleAction } from './schedule.js';
import { instantOfWall, isSupportedScheduleInstant, wallClockReached, wallKey, type WallMinute } from './zone-time.js';

/** The occurrence that decides a schedule's state. */
export interface ScheduleOccurrence {
  action: ScheduleAction;
  /** 0-based index of the deciding item. */
  itemIndex: number;
  /** When it occurred. */
  atMs: number;
  /** Its wall-clock time in the schedule's zone, `YYYY-MM-DDTHH:mm`. */
  wallTime: string;
}

/**
 * The occurrence that sets the schedule's state at `nowMs`, or undefined when no item has occurred yet, or `nowMs`
 * fails `isSupportedScheduleInstant`. When two items occur at the same minute, the one written last wins.
 */
export function evaluateSchedule(schedule: CronSchedule, nowMs: number): ScheduleOccurrence | undefined {
  if (!isSupportedScheduleInstant(nowMs)) return undefined;
  const reached = wallClockReached(nowMs, schedule.zone);
  let best: { wall: WallMinute; key: number; index: number } | undefined;
  schedule.items.forEach((item, index) => {
    const wall = latestMatch(item.match, reached);
    if (wall === undefined) return;
    const key = wallKey(wall);
    if (best === undefined || key >= best.key) best = { wall, key, index };
  });
  if (best === undefined) return undefined;
  const item = schedule.items[best.index];
  if (item === undefined) return undefined;
  return { action: item.action, itemIndex: best.index, atMs: instantOfWall(best.wall, schedule.zone), wallTime: formatWall(best.wall) };
}

/**
 * How many years back a match can lie when the cron has no year field: an item that fires at all fires within a
 * year, except on 29 February, which can be 8 years apart (2096 → 2104).
 */
const YEARS_BACK = 9;

/** The latest wall-clock minute at or before `limit` that the cron matches. */
export function latestMatch(m: CronMatch, limit: WallMinute): WallMinute | undefined {
  const sets = lookups(m);
  const years = m.years ? [...m.years].reverse().filter((y) => y <= limit.year) : range(limit.year, limit.year - YEARS_BACK);
  for (const year of years) {
    for (const month of [...m.months].reverse()) {
      if (year === limit.year && month > limit.month) continue;
      const isLimitMonth = year === limit.year && month === limit.month;
      for (let day = isLimitMonth ? limit.day : daysInMonth(year, month); day >= 1; day--) {
        if (day > daysInMonth(year, month) || !dayMatches(m, sets, year, month, day)) continue;
        const isLimitDay = isLimitMonth && day === limit.day;
        const time = latestTime(m, isLimitDay ? limit : undefined);
        if (time) return { year, month, day, ...time };
      }
    }
  }
  return undefined;
}

/** The latest hour:minute of the cron on a day, at or before `limit`'s time when given. */
function latestTime(m: CronMatch, limit: WallMinute | undefined): { hour: number; minute: number } | undefined {
  for (let h = m.hours.length - 1; h >= 0; h--) {
    const hour = m.hours[h] ?? 0;
    if (limit && hour > limit.hour) continue;
    for (let i = m.minutes.length - 1; i >= 0; i--) {
      const minute = m.minutes[i] ?? 0;
      if (limit && hour === limit.hour && minute > limit.minute) continue;
      return { hour, minute };
    }
  }
  return undefined;
}

interface Lookups {
  days: ReadonlySet<number>;
  weekdays: ReadonlySet<number>;
}

function lookups(m: CronMatch): Lookups {
  return { days: new Set(m.days), weekdays: new Set(m.weekdays) };
}

/** Standard cron: when both day and weekday are restricted, either may match; otherwise both must. */
function dayMatches(m: CronMatch, sets: Lookups, year: number, month: number, day: number): boolean {
  const isDay = sets.days.has(day);
  const isWeekday = sets.weekdays.has(new Date(Date.UTC(year, month - 1, day)).getUTCDay());
  return m.isDayRestricted && m.isWeekdayRestricted ? isDay || isWeekday : isDay && isWeekday;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function range(from: number, downTo: number): number[] {
  const out: number[] = [];
  for (let y = from; y >= downTo; y--) out.push(y);
  return out;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function formatWall(w: WallMinute): string {
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}
