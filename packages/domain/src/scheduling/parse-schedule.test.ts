import { describe, expect, it } from 'vitest';
import { parseSchedule } from './parse-schedule.js';
import type { CronSchedule, ScheduleParseError } from './schedule.js';

function cron(text: string): CronSchedule {
  const r = parseSchedule(text);
  if (!r.ok) throw new Error(`${r.error.message} (${r.error.code} at ${r.error.offset})`);
  if (r.schedule.kind !== 'cron') throw new Error(`not a cron schedule: ${r.schedule.kind}`);
  return r.schedule;
}

function error(text: string): ScheduleParseError {
  const r = parseSchedule(text);
  if (r.ok) throw new Error(`parsed: ${text}`);
  return r.error;
}

/** The part of the text an error points at. */
const pointed = (text: string, e: ScheduleParseError): string => text.slice(e.offset, e.offset + e.length);

describe('parseSchedule: keywords', () => {
  it.each([
    ['247', 'on'],
    [' on ', 'on'],
    ['ON', 'on'],
    ['Off', 'off'],
    ['\tNOSCHEDULE\n', 'noschedule'],
    ['noSchedule', 'noschedule'],
  ])('%j is %s', (text, kind) => {
    expect(parseSchedule(text)).toEqual({ ok: true, schedule: { kind } });
  });
});

describe('parseSchedule: cron items', () => {
  it('reads items in order, UTC without a zone', () => {
    const s = cron('Start: 0 8 * * 1-5; STOP: 0 19 * * MON-FRI');
    expect(s.zone).toBe('UTC');
    expect(s.items.map((i) => [i.action, i.cron])).toEqual([['start', '0 8 * * 1-5'], ['stop', '0 19 * * MON-FRI']]);
    expect(s.items[0]?.match).toEqual({
      minutes: [0], hours: [8], days: range(1, 31), months: range(1, 12), weekdays: [1, 2, 3, 4, 5], years: undefined,
      isDayRestricted: false, isWeekdayRestricted: true,
    });
    expect(s.items[1]?.match.weekdays).toEqual([1, 2, 3, 4, 5]);
  });

  it('reads the zone after `|`, in any case, as the runtime names it', () => {
    expect(cron('start: 0 8 * * * | europe/london').zone).toBe('Europe/London');
    expect(cron('start: 0 8 * * *|America/New_York').zone).toBe('America/New_York');
  });

  it('reads a sixth field as the year, not seconds', () => {
    const m = cron('stop: 27 16 21 10 * 2016').items[0]?.match;
    expect([m?.minutes, m?.hours, m?.days, m?.months, m?.years]).toEqual([[27], [16], [21], [10], [2016]]);
    expect(cron('start: 0 6 * * * 2016-2018,2020').items[0]?.match.years).toEqual([2016, 2017, 2018, 2020]);
  });

  it('reads weekday 7 as Sunday, steps, lists and names', () => {
    expect(cron('start: */15 */6 1,15 jan-mar,DEC 5-7').items[0]?.match).toMatchObject({
      minutes: [0, 15, 30, 45], hours: [0, 6, 12, 18], days: [1, 15], months: [1, 2, 3, 12], weekdays: [0, 5, 6],
      isDayRestricted: true, isWeekdayRestricted: true,
    });
    expect(cron('start: 5/20 0 * * 7').items[0]?.match).toMatchObject({ minutes: [5, 25, 45], weekdays: [0] });
  });

  it('tolerates one trailing `;`, also before the zone', () => {
    expect(cron('start: 0 8 * * *; stop: 0 19 * * *;').items).toHaveLength(2);
    expect(cron('start: 0 8 * * *; | Europe/Paris ').zone).toBe('Europe/Paris');
  });
});

describe('parseSchedule: errors name the position, the item and the fix', () => {
  it.each([
    // text, code, the text pointed at, item
    ['', 'empty', '', undefined],
    ['rubbish', 'missing-action', 'rubbish', 1],
    [':', 'missing-action', ':', 1],
    ['start:;', 'missing-cron', 'start:', 1],
    ['start:*;gah:', 'field-count', '*', 1],
    ['start: 0 8 * * *; gah: 0 9 * * *', 'unknown-action', 'gah', 2],
    ['start: 0 8 * * *;; stop: 0 9 * * *', 'empty-item', ';', 2],
    ['start: 0 8 * * *; stop: 0 19 * * * * *', 'field-count', '0 19 * * * * *', 2],
    ['start: 60 8 * * *', 'out-of-range', '60', 1],
    ['start: 0 24 * * *', 'out-of-range', '24', 1],
    ['start: 0 8 0 * *', 'out-of-range', '0', 1],
    ['start: 0 8 * 13 *', 'out-of-range', '13', 1],
    ['stop: 0 8 * * 1; start: 0 8 * * 8', 'out-of-range', '8', 2],
    ['start: 0 8 * * * 1969', 'out-of-range', '1969', 1],
    ['start: 0 8 * * 5-1', 'bad-range', '5-1', 1],
    ['start: */0 8 * * *', 'bad-step', '0', 1],
    ['start: 0 8 ? * MON', 'bad-syntax', '?', 1],
    ['start: 0 8 * * FUN', 'bad-syntax', 'FUN', 1],
    ['start: 0 8,,9 * * *', 'bad-syntax', ',', 1],
    ['Start: 0 8 * * * | Stop: 0 19 * * *', 'pipe-between-items', '|', undefined],
    ['start: 0 8 * * * | Europe/London | UTC', 'extra-pipe', '|', undefined],
    ['start: 0 8 * * * |  ', 'missing-zone', '|', undefined],
    ['start: 0 8 * * * | Mars/Olympus', 'unknown-zone', 'Mars/Olympus', undefined],
    ['start: 0 8 * * * | +01:00', 'unknown-zone', '+01:00', undefined],
  ] as const)('%j: %s', (text, code, at, item) => {
    const e = error(text);
    expect(e.code).toBe(code);
    expect(pointed(text, e)).toBe(at);
    expect(e.item).toBe(item);
    expect(e.message).toMatch(/^[a-z]/);
    expect(e.fix.length).toBeGreaterThan(0);
  });

  it('points at the exact character of a value inside a list or range', () => {
    const text = '  stop: 0 19 * * 1-5 ; start: 0,61 7 * * 1-5';
    const e = error(text);
    expect(e).toMatchObject({ code: 'out-of-range', item: 2, field: 'minute', offset: text.indexOf('61'), length: 2 });
    expect(e.message).toBe('item 2: minute 61 is out of range 0–59');
  });

  it('explains the `Start: … | Stop: …` mistake', () => {
    expect(error('Start: 0 8 * * 1-5 | Stop: 0 19 * * 1-5').fix).toBe('use `start: <cron>; stop: <cron>`, not `Start: … | Stop: …`');
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
