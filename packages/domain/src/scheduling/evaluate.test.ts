import { describe, expect, it } from 'vitest';
import { evaluateSchedule, type ScheduleOccurrence } from './evaluate.js';
import { parseSchedule } from './parse-schedule.js';
import type { CronSchedule } from './schedule.js';

function cron(text: string): CronSchedule {
  const r = parseSchedule(text);
  if (!r.ok || r.schedule.kind !== 'cron') throw new Error(`not a cron schedule: ${text}`);
  return r.schedule;
}

/** The deciding occurrence as `action@instant (wall time)`, or undefined. */
function latest(text: string, nowIso: string): string | undefined {
  const o: ScheduleOccurrence | undefined = evaluateSchedule(cron(text), Date.parse(nowIso));
  return o && `${o.action}@${new Date(o.atMs).toISOString().slice(0, 16)}Z (${o.wallTime})`;
}

describe('evaluateSchedule: standard cron', () => {
  it.each([
    // an occurrence exactly at the instant counts
    ['start: 0 8 * * *', '2024-01-02T08:00:00Z', 'start@2024-01-02T08:00Z (2024-01-02T08:00)'],
    ['start: 0 8 * * *', '2024-01-02T07:59:59Z', 'start@2024-01-01T08:00Z (2024-01-01T08:00)'],
    // the latest item wins, whatever the order written
    ['stop: 0 19 * * *; start: 0 8 * * *', '2024-01-02T12:00Z', 'start@2024-01-02T08:00Z (2024-01-02T08:00)'],
    ['stop: 0 19 * * *; start: 0 8 * * *', '2024-01-02T20:00Z', 'stop@2024-01-02T19:00Z (2024-01-02T19:00)'],
    // same minute: the item written last wins
    ['start: 0 8 * * *; stop: 0 8 * * *', '2024-01-02T09:00Z', 'stop@2024-01-02T08:00Z (2024-01-02T08:00)'],
    ['stop: 0 8 * * *; start: 0 8 * * *', '2024-01-02T09:00Z', 'start@2024-01-02T08:00Z (2024-01-02T08:00)'],
    // weekdays: Friday evening to Monday morning (2024-01-06 is a Saturday)
    ['start: 0 8 * * 1-5; stop: 0 19 * * 1-5', '2024-01-06T12:00Z', 'stop@2024-01-05T19:00Z (2024-01-05T19:00)'],
    // 7 is Sunday (2024-01-07)
    ['start: 0 0 * * 7', '2024-01-10T00:00Z', 'start@2024-01-07T00:00Z (2024-01-07T00:00)'],
    // day and weekday both restricted: either matches (Friday 5 January, not Friday 13 October 2023)
    ['start: 0 0 13 * 5', '2024-01-10T00:00Z', 'start@2024-01-05T00:00Z (2024-01-05T00:00)'],
    // one of them starting with `*`: both must match (an odd day that is a Tuesday)
    ['start: 0 0 */2 * 2', '2024-01-10T00:00Z', 'start@2024-01-09T00:00Z (2024-01-09T00:00)'],
    ['start: 0 0 */2 * 2', '2024-01-08T00:00Z', 'start@2023-12-19T00:00Z (2023-12-19T00:00)'],
    // the sixth field is a year
    ['stop: 0 12 1 6 * 2019,2021', '2024-01-01T00:00Z', 'stop@2021-06-01T12:00Z (2021-06-01T12:00)'],
    // 29 February, 8 years apart across 2100
    ['start: 0 0 29 2 *', '2103-06-01T00:00Z', 'start@2096-02-29T00:00Z (2096-02-29T00:00)'],
    // months with fewer days are skipped
    ['start: 30 23 31 * *', '2024-05-15T00:00Z', 'start@2024-03-31T23:30Z (2024-03-31T23:30)'],
  ])('%s at %s → %s', (text, now, expected) => {
    expect(latest(text, now)).toBe(expected);
  });

  it.each([
    ['stop: 27 16 21 10 * 2016', '2016-10-21T16:26:59Z'],
    ['start: 0 0 30 2 *', '2024-06-01T00:00Z'],
    ['start: 0 0 * * * 2030', '2029-12-31T23:59Z'],
  ])('%s at %s: nothing yet', (text, now) => {
    expect(latest(text, now)).toBeUndefined();
  });
});

describe('evaluateSchedule: zones and DST', () => {
  it.each([
    // London spring forward, 2024-03-31 01:00Z: 01:00–01:59 local do not exist; they occur at the jump
    ['start: 30 1 * * * | Europe/London', '2024-03-31T00:59Z', 'start@2024-03-30T01:30Z (2024-03-30T01:30)'],
    ['start: 30 1 * * * | Europe/London', '2024-03-31T01:00Z', 'start@2024-03-31T01:00Z (2024-03-31T01:30)'],
    ['start: 30 2 * * * | Europe/London', '2024-03-31T01:29Z', 'start@2024-03-30T02:30Z (2024-03-30T02:30)'],
    ['start: 30 2 * * * | Europe/London', '2024-03-31T01:30Z', 'start@2024-03-31T01:30Z (2024-03-31T02:30)'],
    ['start: 30 2 * * * | Europe/London', '2024-04-01T01:30Z', 'start@2024-04-01T01:30Z (2024-04-01T02:30)'],
    // … keeping their order: 01:15 start, 01:45 stop both occur at the jump, the stop deciding
    ['start: 15 1 * * *; stop: 45 1 * * * | Europe/London', '2024-03-31T01:00Z', 'stop@2024-03-31T01:00Z (2024-03-31T01:45)'],
    // London fall back, 2024-10-27 01:00Z: 01:00–01:59 local happen twice; they occur the first time only
    ['stop: 30 1 * * * | Europe/London', '2024-10-27T00:30Z', 'stop@2024-10-27T00:30Z (2024-10-27T01:30)'],
    ['start: 15 1 * * *; stop: 45 1 * * * | Europe/London', '2024-10-27T01:20Z', 'stop@2024-10-27T00:45Z (2024-10-27T01:45)'],
    ['start: 15 1 * * *; stop: 45 1 * * * | Europe/London', '2024-10-27T01:59Z', 'stop@2024-10-27T00:45Z (2024-10-27T01:45)'],
    ['start: 0 2 * * * | Europe/London', '2024-10-27T02:00Z', 'start@2024-10-27T02:00Z (2024-10-27T02:00)'],
    // New York spring forward, 2024-03-10 07:00Z (02:00 EST → 03:00 EDT)
    ['start: 30 2 * * * | America/New_York', '2024-03-10T07:00Z', 'start@2024-03-10T07:00Z (2024-03-10T02:30)'],
    ['start: 0 8 * * * | America/New_York', '2024-03-10T12:00Z', 'start@2024-03-10T12:00Z (2024-03-10T08:00)'],
    ['start: 0 8 * * * | America/New_York', '2024-03-09T13:00Z', 'start@2024-03-09T13:00Z (2024-03-09T08:00)'],
    // Sydney: DST ends 2024-04-06T16:00Z (03:00 AEDT → 02:00 AEST), starts 2024-10-05T16:00Z (02:00 → 03:00)
    ['stop: 30 2 * * * | Australia/Sydney', '2024-04-06T16:40Z', 'stop@2024-04-06T15:30Z (2024-04-07T02:30)'],
    ['start: 30 2 * * * | Australia/Sydney', '2024-10-05T16:00Z', 'start@2024-10-05T16:00Z (2024-10-06T02:30)'],
    // Santiago skips midnight on 2024-09-08 (00:00 -04 → 01:00 -03)
    ['start: 0 0 * * * | America/Santiago', '2024-09-08T04:00Z', 'start@2024-09-08T04:00Z (2024-09-08T00:00)'],
    // Lord Howe moves by 30 minutes (2024-10-06 02:00 → 02:30)
    ['start: 15 2 * * * | Australia/Lord_Howe', '2024-10-05T15:30Z', 'start@2024-10-05T15:30Z (2024-10-06T02:15)'],
    // SPEC §8 row 6: 17:27 in London is 16:27 UTC in October 2016
    ['stop: 27 17 21 10 * 2016 | Europe/London', '2016-10-21T16:57Z', 'stop@2016-10-21T16:27Z (2016-10-21T17:27)'],
    // a zone without DST, ahead of UTC across the date line
    ['start: 0 8 * * 1 | Pacific/Kiritimati', '2024-01-07T18:00Z', 'start@2024-01-07T18:00Z (2024-01-08T08:00)'],
  ])('%s at %s → %s', (text, now, expected) => {
    expect(latest(text, now)).toBe(expected);
  });
});
