/**
 * One field of a schedule cron (`minute hour day month weekday [year]`), read two ways:
 * - `ours`: standard cron. Out-of-range values are rejected with their position; weekday `7` is Sunday.
 * - `em`: EM's cron library, kept only so that `lintEmSchedule` can say where the two readings differ. Out-of-range
 *   values are clamped into the field's range, so weekday `7` becomes `6` (Saturday).
 *
 * Element syntax (comma-separated): `*`, a value `v`, a range `v-w`, each optionally followed by a step `/n`, and
 * `v/n` (= `v-max/n`). Months and weekdays also take three-letter English names (`JAN`, `MON`), in any case.
 */

export type CronFieldName = 'minute' | 'hour' | 'day' | 'month' | 'weekday' | 'year';
export type CronReading = 'ours' | 'em';

/** Why a field was refused; stable, for callers that switch on it. */
export type CronFieldErrorCode = 'bad-syntax' | 'out-of-range' | 'bad-range' | 'bad-step';

export interface CronFieldError {
  ok: false;
  code: CronFieldErrorCode;
  /** Character offset inside the field text. */
  offset: number;
  length: number;
  message: string;
  fix: string;
}

export interface CronFieldValues {
  ok: true;
  /** Ascending, without duplicates; weekdays are 0–6 with 0 = Sunday. */
  values: readonly number[];
  /** False when the field starts with `*` (Vixie cron's rule, which decides how day and weekday combine). */
  isRestricted: boolean;
  /** Values the `em` reading moved into range, as `from → to`. Always empty for `ours`. */
  clamped: readonly { from: number; to: number; offset: number; length: number }[];
}

export type CronFieldResult = CronFieldValues | CronFieldError;

interface FieldSpec {
  min: number;
  max: number;
  /** Names for min, min+1, …; matched case-insensitively. */
  names?: readonly string[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** The year range follows Quartz, the usual cron with a year field. */
export const CRON_FIELD_RANGES: Readonly<Record<CronFieldName, FieldSpec>> = {
  minute: { min: 0, max: 59 },
  hour: { min: 0, max: 23 },
  day: { min: 1, max: 31 },
  month: { min: 1, max: 12, names: MONTHS },
  weekday: { min: 0, max: 7, names: WEEKDAYS },
  year: { min: 1970, max: 2099 },
};

/** EM reads weekdays as 0–6 and clamps 7 to 6. */
function specOf(name: CronFieldName, reading: CronReading): FieldSpec {
  const spec = CRON_FIELD_RANGES[name];
  return reading === 'em' && name === 'weekday' ? { ...spec, max: 6 } : spec;
}

const ELEMENT = /^(?:(\*)|([0-9]+|[A-Za-z]+)(?:-([0-9]+|[A-Za-z]+))?)(?:\/([0-9]+))?$/;

/** Reads one field; `text` holds no whitespace. */
export function parseCronField(text: string, name: CronFieldName, reading: CronReading): CronFieldResult {
  const spec = specOf(name, reading);
  const picked = new Set<number>();
  const clamped: { from: number; to: number; offset: number; length: number }[] = [];
  let offset = 0;
  for (const element of text.split(',')) {
    const r = readElement(element, offset, name, spec, reading);
    if (!r.ok) return r;
    for (const v of r.values) picked.add(name === 'weekday' && v === 7 ? 0 : v);
    clamped.push(...r.clamped);
    offset += element.length + 1;
  }
  return { ok: true, values: [...picked].sort((a, b) => a - b), isRestricted: !text.startsWith('*'), clamped };
}

function readElement(element: string, at: number, name: CronFieldName, spec: FieldSpec, reading: CronReading): CronFieldResult {
  const m = ELEMENT.exec(element);
  if (!m) {
    const fix = element === '' ? 'remove the extra `,`' : `write \`*\`, a value, a range \`a-b\`, a list \`a,b\` or a step \`*/n\`${hint(element)}`;
    return fail('bad-syntax', at, Math.max(element.length, 1), `${name} \`${element}\` is not a cron value`, fix);
  }
  const [, star, first, last, stepText] = m;
  const stepAt = at + element.length - (stepText?.length ?? 0);
  let lo = spec.min;
  let hi = spec.max;
  const clamped: { from: number; to: number; offset: number; length: number }[] = [];
  if (star === undefined && first !== undefined) {
    const a = readValue(first, at, name, spec, reading);
    if (!a.ok) return a;
    lo = a.value;
    clamped.push(...a.clamped);
    hi = stepText !== undefined && last === undefined ? spec.max : lo;
    if (last !== undefined) {
      const b = readValue(last, at + first.length + 1, name, spec, reading);
      if (!b.ok) return b;
      hi = b.value;
      clamped.push(...b.clamped);
      if (lo > hi) {
        return fail('bad-range', at, first.length + 1 + last.length, `${name} range \`${first}-${last}\` runs backwards`, `write the smaller value first, or list the values: \`${first},…\``);
      }
    }
  }
  const step = stepText === undefined ? 1 : Number(stepText);
  if (step < 1 || step > spec.max - spec.min + 1) {
    return fail('bad-step', stepAt, stepText?.length ?? 1, `${name} step \`${stepText ?? ''}\` is out of range`, `use a step from 1 to ${spec.max - spec.min + 1}`);
  }
  const values: number[] = [];
  for (let v = lo; v <= hi; v += step) values.push(v);
  return { ok: true, values, isRestricted: true, clamped };
}

interface ValueRead {
  ok: true;
  value: number;
  clamped: { from: number; to: number; offset: number; length: number }[];
}

function readValue(token: string, at: number, name: CronFieldName, spec: FieldSpec, reading: CronReading): ValueRead | CronFieldError {
  let value: number;
  if (/^[0-9]+$/.test(token)) value = Number(token);
  else {
    const index = spec.names?.indexOf(token.toUpperCase()) ?? -1;
    if (index < 0) {
      const names = spec.names ? ` or a name ${spec.names[0] ?? ''}–${spec.names.at(-1) ?? ''}` : '';
      return fail('bad-syntax', at, token.length, `${name} \`${token}\` is not a number${names ? ' or a known name' : ''}`, `use a number ${spec.min}–${spec.max}${names}`);
    }
    return { ok: true, value: CRON_FIELD_RANGES[name].min + index, clamped: [] };
  }
  if (value >= spec.min && value <= spec.max) return { ok: true, value, clamped: [] };
  if (reading === 'em') {
    const to = Math.min(spec.max, Math.max(spec.min, value));
    return { ok: true, value: to, clamped: [{ from: value, to, offset: at, length: token.length }] };
  }
  return fail('out-of-range', at, token.length, `${name} ${token} is out of range ${spec.min}–${spec.max}`, `use ${name === 'hour' ? 'an' : 'a'} ${name} from ${spec.min} to ${spec.max}${name === 'weekday' ? ' (0 and 7 are Sunday)' : ''}`);
}

function hint(element: string): string {
  if (element === '?') return '; `?` is Quartz syntax: write `*`';
  if (/[LW#]/i.test(element)) return '; `L`, `W` and `#` are not supported';
  return '';
}

function fail(code: CronFieldErrorCode, offset: number, length: number, message: string, fix: string): CronFieldError {
  return { ok: false, code, offset, length, message, fix };
}
