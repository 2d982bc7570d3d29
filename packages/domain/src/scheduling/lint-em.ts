/**
 * Where EM's reading of a schedule differs from ours (SPEC §8), for `envmgr schedule lint`: teams migrating from EM
 * fix those tags first. EM's cron library reads weekday `7` as Saturday, combines day and weekday with AND, clamps
 * out-of-range values, and voids the whole schedule when it ends with `;`. Ours is standard cron.
 */
import { parseCronField, type CronFieldName, type CronFieldValues } from './cron-field.js';
import { CRON_FIELDS } from './parse-schedule.js';
import { itemSegments, scheduleParts, trimSegment, words, type Segment } from './segments.js';

export type EmDifferenceCode = 'trailing-semicolon' | 'weekday-7' | 'day-or-weekday' | 'out-of-range';

export interface EmDifference {
  code: EmDifferenceCode;
  /** What EM does, what we do, and how to write it so both agree. */
  message: string;
  /** Character offset into the text, and the length of the part concerned. */
  offset: number;
  length: number;
  /** 1-based item number, when the difference is inside one. */
  item?: number;
}

export interface EmScheduleLint {
  differs: boolean;
  differences: readonly EmDifference[];
}

/**
 * Compares EM's reading of `text` with ours. Reports only differences in meaning: text both readings refuse, or
 * read alike, gives none.
 */
export function lintEmSchedule(text: string): EmScheduleLint {
  const trimmed = text.trim().toUpperCase();
  if (['', '247', 'ON', 'OFF', 'NOSCHEDULE'].includes(trimmed)) return { differs: false, differences: [] };
  const parts = scheduleParts(text);
  const { items, trailingSemicolon } = itemSegments(parts.items);
  const differences: EmDifference[] = [];
  if (trailingSemicolon && items.length > 0) {
    differences.push({
      code: 'trailing-semicolon',
      message: 'EM ignores the whole schedule because it ends with `;` (no action); ours ignores the `;` — remove it',
      offset: trailingSemicolon.offset,
      length: 1,
    });
  }
  items.forEach((segment, index) => differences.push(...itemDifferences(segment, index + 1)));
  return { differs: differences.length > 0, differences };
}

function itemDifferences(segment: Segment, item: number): EmDifference[] {
  const colon = segment.text.indexOf(':');
  if (colon < 0) return [];
  const fields = words(trimSegment({ text: segment.text.slice(colon + 1), offset: segment.offset + colon + 1 }));
  if (fields.length !== 5 && fields.length !== 6) return [];
  const out: EmDifference[] = [];
  const ours = new Map<CronFieldName, CronFieldValues>();
  const em = new Map<CronFieldName, CronFieldValues>();
  fields.forEach((field, i) => {
    const name = CRON_FIELDS[i] ?? 'year';
    const o = parseCronField(field.text, name, 'ours');
    const e = parseCronField(field.text, name, 'em');
    if (e.ok) em.set(name, e);
    if (o.ok) ours.set(name, o);
    if (!o.ok && o.code === 'out-of-range' && e.ok) {
      const clamps = e.clamped.map((c) => `${c.from} as ${c.to}`).join(', ');
      out.push({ code: 'out-of-range', message: `${o.message}: EM reads ${clamps}; ours refuses the schedule — ${o.fix}`, offset: field.offset + o.offset, length: o.length, item });
    } else if (o.ok && e.ok && name === 'weekday' && !sameValues(o.values, e.values)) {
      out.push({
        code: 'weekday-7',
        message: `weekday \`${field.text}\` includes 7: EM reads it as Saturday, ours as Sunday — write 0 for Sunday or 6 for Saturday`,
        offset: field.offset,
        length: field.text.length,
        item,
      });
    }
  });
  const dayDifference = dayCombination(ours, em);
  if (dayDifference) {
    const [day, weekday] = [fields[2], fields[4]];
    const offset = day?.offset ?? segment.offset;
    const end = weekday ? weekday.offset + weekday.text.length : offset + 1;
    out.push({ code: 'day-or-weekday', message: dayDifference, offset, length: end - offset, item });
  }
  return out;
}

/** A message when both readings are valid for day and weekday but pick different days. */
function dayCombination(ours: Map<CronFieldName, CronFieldValues>, em: Map<CronFieldName, CronFieldValues>): string | undefined {
  const [od, ow, ed, ew] = [ours.get('day'), ours.get('weekday'), em.get('day'), em.get('weekday')];
  if (!od || !ow || !ed || !ew || !od.isRestricted || !ow.isRestricted) return undefined;
  for (let day = 1; day <= 31; day++) {
    for (let weekday = 0; weekday <= 6; weekday++) {
      const isOurs = od.values.includes(day) || ow.values.includes(weekday);
      const isEm = ed.values.includes(day) && ew.values.includes(weekday);
      if (isOurs !== isEm) {
        return 'day and weekday are both restricted: EM runs on days matching both, ours (standard cron) on days matching either — keep only one of them, or split the item';
      }
    }
  }
  return undefined;
}

function sameValues(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
