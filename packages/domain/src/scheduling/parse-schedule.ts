/**
 * The schedule grammar of SPEC §8, read the way EM reads it except where noted "ours" in docs/scheduling.md:
 *
 *   `247` | `ON` | `OFF` | `NOSCHEDULE`                              (case-insensitive, trimmed)
 *   `start|stop: <cron>[; start|stop: <cron>…][;][ | <IANA zone>]`
 *
 * A cron is `minute hour day month weekday [year]` (the optional sixth field is a year, not seconds) in UTC unless
 * a zone follows `|`. One trailing `;` is allowed (EM would void the whole schedule; `lintEmSchedule` says so).
 */
import { parseCronField, type CronFieldName } from './cron-field.js';
import type { CronMatch, ParseScheduleResult, Schedule, ScheduleErrorCode, ScheduleItem, ScheduleParseError } from './schedule.js';
import { itemSegments, scheduleParts, trimSegment, words, type Segment } from './segments.js';
import { canonicalZone } from './zone-time.js';

const KEYWORDS: Readonly<Record<string, Schedule>> = {
  '247': { kind: 'on' },
  ON: { kind: 'on' },
  OFF: { kind: 'off' },
  NOSCHEDULE: { kind: 'noschedule' },
};

export const CRON_FIELDS: readonly CronFieldName[] = ['minute', 'hour', 'day', 'month', 'weekday', 'year'];

const ITEM_FORM = '`start: <cron>` or `stop: <cron>`, items separated by `;`';

/** Parses a schedule. Never throws: a schedule that cannot be read is an error value naming where and what to do. */
export function parseSchedule(text: string): ParseScheduleResult {
  const whole = trimSegment({ text, offset: 0 });
  if (whole.text === '') {
    return failure('empty', 'the schedule is empty', 'write `ON`, `OFF`, `NOSCHEDULE` or ' + ITEM_FORM, { text, offset: 0 });
  }
  const keyword = KEYWORDS[whole.text.toUpperCase()];
  if (keyword) return { ok: true, schedule: keyword };
  const parts = scheduleParts(text);
  const zone = readZone(parts.rest);
  if (!zone.ok) return zone;
  const { items } = itemSegments(parts.items);
  const parsed: ScheduleItem[] = [];
  for (const [index, segment] of items.entries()) {
    const item = readItem(segment, index + 1);
    if (!item.ok) return item;
    parsed.push(item.item);
  }
  return { ok: true, schedule: { kind: 'cron', items: parsed, zone: zone.zone } };
}

function readZone(rest: readonly Segment[]): { ok: true; zone: string } | { ok: false; error: ScheduleParseError } {
  const [first, second] = rest.map(trimSegment);
  if (first === undefined) return { ok: true, zone: 'UTC' };
  if (/^(start|stop)\s*:/i.test(first.text)) {
    const pipe = { text: '|', offset: (rest[0]?.offset ?? 1) - 1 };
    return failure('pipe-between-items', 'items are separated by `|`, which introduces the time zone', 'use `start: <cron>; stop: <cron>`, not `Start: … | Stop: …`', pipe);
  }
  if (second !== undefined) {
    const pipe = { text: '|', offset: (rest[1]?.offset ?? 1) - 1 };
    return failure('extra-pipe', 'the schedule has more than one `|`', 'write one `| <IANA zone>` at the end', pipe);
  }
  if (first.text === '') {
    const pipe = { text: '|', offset: (rest[0]?.offset ?? 1) - 1 };
    return failure('missing-zone', 'no time zone after `|`', 'name an IANA zone such as `Europe/London`, or remove the `|` for UTC', pipe);
  }
  const zone = canonicalZone(first.text);
  if (zone === undefined) {
    return failure('unknown-zone', `unknown time zone '${first.text}'`, 'name an IANA zone such as `Europe/London` or `America/New_York`', first);
  }
  return { ok: true, zone };
}

type ItemResult = { ok: true; item: ScheduleItem } | { ok: false; error: ScheduleParseError };

function readItem(segment: Segment, item: number): ItemResult {
  if (segment.text === '') {
    return failure('empty-item', `item ${item} is empty`, 'remove the extra `;`', { text: ';', offset: Math.max(0, segment.offset - 1) }, { item });
  }
  const colon = segment.text.indexOf(':');
  const word = trimSegment({ text: colon < 0 ? segment.text : segment.text.slice(0, colon), offset: segment.offset });
  if (colon < 0 || word.text === '') {
    return failure('missing-action', `item ${item} \`${segment.text}\` does not start with \`start:\` or \`stop:\``, `write ${ITEM_FORM}`, colon < 0 ? segment : { text: ':', offset: segment.offset + colon }, { item });
  }
  const action = word.text.toLowerCase();
  if (action !== 'start' && action !== 'stop') {
    return failure('unknown-action', `item ${item} has the unknown action '${word.text}'`, `write ${ITEM_FORM}`, word, { item });
  }
  const cron = trimSegment({ text: segment.text.slice(colon + 1), offset: segment.offset + colon + 1 });
  const match = readCron(cron, { text: segment.text.slice(0, colon + 1), offset: segment.offset }, item);
  if (!match.ok) return match;
  return { ok: true, item: { action, cron: words(cron).map((w) => w.text).join(' '), match: match.match } };
}

/** Reads the cron after `head` (`start:` or `stop:`). */
function readCron(cron: Segment, head: Segment, item: number): { ok: true; match: CronMatch } | { ok: false; error: ScheduleParseError } {
  const fields = words(cron);
  if (fields.length === 0) {
    const action = head.text.slice(0, -1).trim().toLowerCase();
    return failure('missing-cron', `item ${item} has no cron after '${head.text}'`, `write \`${action}: <minute> <hour> <day> <month> <weekday> [year]\`, e.g. \`${action}: 0 8 * * 1-5\``, head, { item });
  }
  if (fields.length !== 5 && fields.length !== 6) {
    return failure('field-count', `item ${item} cron \`${cron.text}\` has ${fields.length} field${fields.length === 1 ? '' : 's'}; a cron has 5 or 6`, 'write `minute hour day month weekday [year]`, e.g. `0 8 * * 1-5`', cron, { item });
  }
  const sets: { values: readonly number[]; isRestricted: boolean }[] = [];
  for (const [i, field] of fields.entries()) {
    const name = CRON_FIELDS[i] ?? 'year';
    const r = parseCronField(field.text, name, 'ours');
    if (!r.ok) {
      const at = { text: field.text.slice(r.offset, r.offset + r.length), offset: field.offset + r.offset };
      return failure(r.code, `item ${item}: ${r.message}`, r.fix, at, { item, field: name });
    }
    sets.push(r);
  }
  const [minute, hour, day, month, weekday, year] = sets;
  // five fields at least were read above; this narrows the types
  if (!minute || !hour || !day || !month || !weekday) return failure('field-count', `item ${item} cron \`${cron.text}\` is incomplete`, 'write `minute hour day month weekday [year]`', cron, { item });
  return {
    ok: true,
    match: {
      minutes: minute.values, hours: hour.values, days: day.values, months: month.values, weekdays: weekday.values,
      years: year?.values, isDayRestricted: day.isRestricted, isWeekdayRestricted: weekday.isRestricted,
    },
  };
}

function failure(
  code: ScheduleErrorCode,
  message: string,
  fix: string,
  at: Segment,
  where: { item?: number; field?: CronFieldName } = {},
): { ok: false; error: ScheduleParseError } {
  return { ok: false, error: { code, message, fix, offset: at.offset, length: Math.max(at.text.length, 1), ...where } };
}
