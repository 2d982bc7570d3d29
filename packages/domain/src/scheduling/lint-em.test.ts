import { describe, expect, it } from 'vitest';
import { lintEmSchedule } from './lint-em.js';

/** Each difference as `code item 'the text it points at'`. */
function lint(text: string): string[] {
  return lintEmSchedule(text).differences.map((d) => `${d.code} ${String(d.item)} '${text.slice(d.offset, d.offset + d.length)}'`);
}

describe('lintEmSchedule', () => {
  it.each([
    '247',
    'off',
    'NOSCHEDULE',
    '',
    'start: 0 8 * * 1-5; stop: 0 19 * * 1-5 | Europe/London',
    'start: 0 8 * * 0,6',
    // 7 where both readings agree: 0-7 is every day either way
    'start: 0 8 * * 0-7',
    // one of day and weekday starting with `*`: both readings AND them
    'start: 0 8 */2 * 1',
    'start: 0 8 1 * *',
    // refused by both readings
    'rubbish',
    'start:*;gah:',
    'start: 0 8 * * * | Mars/Olympus',
  ])('%j reads alike', (text) => {
    expect(lintEmSchedule(text)).toEqual({ differs: false, differences: [] });
  });

  it.each([
    ['start: 0 8 * * *; stop: 0 19 * * *;', ["trailing-semicolon undefined ';'"]],
    ['start: 0 8 * * * ;  | UTC', ["trailing-semicolon undefined ';'"]],
    ['start: 0 8 * * 7', ["weekday-7 1 '7'"]],
    ['stop: 0 8 * * 1; start: 0 8 * * 5-7', ["weekday-7 2 '5-7'"]],
    ['start: 0 8 1 * 1', ["day-or-weekday 1 '1 * 1'"]],
    ['start: 0 8 13 * FRI', ["day-or-weekday 1 '13 * FRI'"]],
    ['start: 60 8 * * *', ["out-of-range 1 '60'"]],
    ['start: 0 8 * * 1-9', ["out-of-range 1 '9'"]],
    ['start: 0 8 15 * 7;', ["trailing-semicolon undefined ';'", "weekday-7 1 '7'", "day-or-weekday 1 '15 * 7'"]],
  ])('%j differs: %j', (text, expected) => {
    expect(lint(text)).toEqual(expected);
    expect(lintEmSchedule(text).differs).toBe(true);
  });

  it('explains each difference and the way out', () => {
    const [weekday] = lintEmSchedule('start: 0 8 * * 7').differences;
    expect(weekday?.message).toBe('weekday `7` includes 7: EM reads it as Saturday, ours as Sunday — write 0 for Sunday or 6 for Saturday');
    const [clamped] = lintEmSchedule('start: 0 25 * * *').differences;
    expect(clamped?.message).toBe('hour 25 is out of range 0–23: EM reads 25 as 23; ours refuses the schedule — use an hour from 0 to 23');
  });
});
