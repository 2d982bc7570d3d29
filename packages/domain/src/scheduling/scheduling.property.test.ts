/**
 * Property tests of scheduling: `decide` and `scheduleStatus` are total and deterministic for any schedule text and
 * instant; across DST changes a daily on/off schedule switches exactly once per boundary, when the wall clock first
 * reaches it (checked against a brute-force minute-by-minute reading of the zone's clock); parse errors point at
 * the offending text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, scheduleStatus } from './decide.js';
import { parseSchedule } from './parse-schedule.js';
import type { ScheduleDecisionInput, ScheduleInstanceState } from './schedule-source.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

// ---- totality ------------------------------------------------------------------------------------------------------

const token = fc.constantFrom('*', '*/5', '0', '7', '8', '1-5', '5-1', 'MON-FRI', 'jan', '60', '2016', '1969', '?', 'L', ',', '', '-', '/', '99999999999999999999');
const cronText = fc.array(token, { minLength: 0, maxLength: 7 }).map((fields) => fields.join(' '));
const itemText = fc.tuple(fc.constantFrom('start', 'Stop', 'gah', '', 'START '), fc.constantFrom(':', ': ', ''), cronText).map((p) => p.join(''));
const zoneText = fc.constantFrom('', ' | Europe/London', '|america/new_york', ' | Mars/Olympus', ' |', ' | UTC | UTC', ' | +01:00', ' | Stop: 0 19 * * *');
const scheduleText = fc.oneof(
  fc.string(),
  fc.constantFrom('247', 'ON', 'off', ' NOSCHEDULE ', '', ' '),
  fc.tuple(fc.array(itemText, { minLength: 1, maxLength: 4 }), fc.constantFrom('', ';', ';;'), zoneText).map(([items, tail, zone]) => items.join('; ') + tail + zone),
);
const instant = fc.oneof(
  fc.integer({ min: Date.UTC(1969, 0, 1), max: Date.UTC(2110, 0, 1) }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 8.64e15, Date.UTC(1970, 0, 1, 12), Date.UTC(9999, 11, 31)),
);
const tags = fc.record({ Schedule: scheduleText, Maintenance: fc.constantFrom('true', 'FALSE', '') }, { requiredKeys: [] });
const inputArb: fc.Arbitrary<ScheduleDecisionInput> = fc.record(
  {
    instance: fc.record({ id: fc.constant('i-1'), state: fc.constantFrom<ScheduleInstanceState>('pending', 'running', 'stopping', 'stopped', 'terminated'), tags }),
    group: fc.record({ name: fc.constant('g'), tags, lifecycleState: fc.constantFrom('Pending' as const, 'InService' as const, 'Standby' as const, 'Terminating' as const) }),
    environment: fc.record({
      name: fc.constantFrom('c50', '', ' '), exists: fc.boolean(), inMaintenance: fc.boolean(), manualScheduleUp: fc.boolean(), scheduleAutomatically: fc.boolean(),
      defaultSchedule: fc.option(scheduleText, { nil: undefined }),
    }),
    options: fc.record({ ignoreGroupInstances: fc.boolean() }),
  },
  { requiredKeys: ['instance'] },
);

describe('decide and scheduleStatus are total and deterministic', () => {
  it('for any schedule text, instance, group, environment and instant', () => {
    fc.assert(
      fc.property(inputArb, instant, (input, nowMs) => {
        const d = decide(input, nowMs);
        expect(decide(JSON.parse(JSON.stringify(input)) as ScheduleDecisionInput, nowMs)).toEqual(d);
        expect(['switchOn', 'switchOff', 'putInService', 'putOutOfService', 'skip']).toContain(d.action);
        expect(d.skipCode !== undefined).toBe(d.action === 'skip');
        expect(d.reason).toMatch(/^[a-z]/);
        if (d.action === 'putInService' || d.action === 'putOutOfService') expect(input.group).toBeDefined();
        const status = scheduleStatus(input, nowMs);
        expect(['ON', 'OFF', 'NOT FOUND', 'NO SCHEDULE', 'INVALID SCHEDULE']).toContain(status);
        expect(scheduleStatus(input, nowMs)).toBe(status);
      }),
      { numRuns: 400 },
    );
  });
});

// ---- DST -----------------------------------------------------------------------------------------------------------

const ZONES = ['Europe/London', 'America/New_York', 'Australia/Sydney'] as const;

/** A zone's wall-clock minute at an instant, as a sortable number (the wall time read as UTC). */
function wallOf(zone: string): (ms: number) => number {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
  return (ms) => {
    const m = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+)$/.exec(f.format(ms));
    if (!m) throw new Error(`unexpected en-US format: ${f.format(ms)}`);
    const [month, day, year, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
    return Date.UTC(year, month - 1, day, hour % 24, minute);
  };
}

/** The instants in `year` at which the zone's UTC offset changes (to the minute). */
function transitions(zone: string, year: number): number[] {
  const wall = wallOf(zone);
  const offset = (ms: number): number => wall(ms) - Math.floor(ms / MIN) * MIN;
  const out: number[] = [];
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 24 * HOUR) {
    let [lo, hi] = [t, t + 24 * HOUR];
    if (offset(lo) === offset(hi)) continue;
    while (hi - lo > MIN) {
      const mid = lo + Math.floor((hi - lo) / 2 / MIN) * MIN;
      if (offset(mid) === offset(lo)) lo = mid;
      else hi = mid;
    }
    out.push(hi);
  }
  return out;
}

/**
 * The brute-force reading: stepping minute by minute, the instant at which the wall clock first reaches each daily
 * `hh:mm` of `times`, in (from, to].
 */
function boundaries(zone: string, from: number, to: number, times: { at: number; action: 'start' | 'stop' }[]): { atMs: number; action: 'start' | 'stop' }[] {
  const wall = wallOf(zone);
  const out: { atMs: number; action: 'start' | 'stop' }[] = [];
  let reached = wall(from);
  for (let t = from + MIN; t <= to; t += MIN) {
    const now = Math.max(reached, wall(t));
    // every wall-clock minute in (reached, now] is reached at t
    for (let w = reached + MIN; w <= now; w += MIN) {
      const minuteOfDay = Math.round((w % (24 * HOUR)) / MIN);
      for (const x of times) if (x.at === minuteOfDay) out.push({ atMs: t, action: x.action });
    }
    reached = now;
  }
  return out;
}

describe('across DST changes, a daily schedule switches once per boundary', () => {
  it.each(ZONES)('%s, 5-minute steps over the 60 hours around each change', (zone) => {
    const params = fc.record({
      year: fc.integer({ min: 2005, max: 2037 }),
      which: fc.integer({ min: 0, max: 1 }),
      start: fc.integer({ min: 0, max: 24 * 60 - 1 }),
      // half the time, start within 90 minutes of the wall-clock time of the change, so gaps and overlaps are hit
      nearChange: fc.option(fc.integer({ min: -90, max: 90 }), { nil: undefined }),
      // at least 2 hours apart, either way round the clock, so a 1-hour jump cannot merge them
      gap: fc.integer({ min: 2 * 60, max: 22 * 60 }),
    });
    fc.assert(
      fc.property(params, ({ year, which, start: anyStart, nearChange, gap }) => {
        const change = transitions(zone, year)[which];
        if (change === undefined) throw new Error(`no offset change ${which} in ${zone} ${year}`);
        const changeMinute = ((wallOf(zone)(change - MIN) % (24 * HOUR)) / MIN + 1) % (24 * 60);
        const start = nearChange === undefined ? anyStart : (changeMinute + nearChange + 24 * 60) % (24 * 60);
        const stop = (start + gap) % (24 * 60);
        const hhmm = (m: number): string => `${m % 60} ${Math.floor(m / 60)}`;
        const text = `start: ${hhmm(start)} * * *; stop: ${hhmm(stop)} * * * | ${zone}`;
        const from = Math.floor((change - 30 * HOUR) / (5 * MIN)) * 5 * MIN;
        const to = from + 60 * HOUR;
        const expected = boundaries(zone, from, to, [{ at: start, action: 'start' }, { at: stop, action: 'stop' }])
          // a switch is seen at the first 5-minute step at or after the boundary
          .map((b) => ({ atMs: Math.ceil(b.atMs / (5 * MIN)) * 5 * MIN, action: b.action }));

        const env = { name: 'c50', exists: true, inMaintenance: false, manualScheduleUp: false, scheduleAutomatically: true, defaultSchedule: text };
        let state: ScheduleInstanceState = scheduleStatus({ environment: env }, from) === 'ON' ? 'running' : 'stopped';
        const switches: { atMs: number; action: 'start' | 'stop' }[] = [];
        for (let t = from + 5 * MIN; t <= to; t += 5 * MIN) {
          const d = decide({ instance: { id: 'i-1', state, tags: {} }, environment: env }, t);
          if (d.action === 'switchOn') {
            switches.push({ atMs: t, action: 'start' });
            state = 'running';
          } else if (d.action === 'switchOff') {
            switches.push({ atMs: t, action: 'stop' });
            state = 'stopped';
          } else expect(d.skipCode).toBe('state-is-correct');
        }
        expect(expected.length).toBeGreaterThanOrEqual(4);
        expect(switches).toEqual(expected);
      }),
      { numRuns: 10 },
    );
  });
});

// ---- parse errors carry positions ----------------------------------------------------------------------------------

const FIELD_RANGES = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7], [1970, 2099]] as const;

describe('parse errors carry positions', () => {
  it('an out-of-range value is reported at its offset, with its item and field', () => {
    // valid fields: `*`, `*/2` or the field's least value
    const item = fc.tuple(fc.constantFrom('start', 'stop'), fc.array(fc.constantFrom('*', '*/2', 'least'), { minLength: 5, maxLength: 6 }));
    const bad = fc.record({
      items: fc.array(item, { minLength: 1, maxLength: 4 }),
      which: fc.nat(),
      field: fc.nat(),
      value: fc.oneof(fc.integer({ min: 60, max: 5000 }), fc.constant(24), fc.constant(32), fc.constant(13), fc.constant(8), fc.constant(1969)),
      space: fc.constantFrom(' ', '  ', '\t'),
    });
    fc.assert(
      fc.property(bad, ({ items: generated, which, field, value, space }) => {
        const i = which % generated.length;
        const f = field % (generated[i]?.[1].length ?? 1);
        const [lo, hi] = FIELD_RANGES[f] ?? [0, 0];
        if (value >= lo && value <= hi) return;
        const written = (v: string, k: number, j: number): string => (k === i && j === f ? String(value) : v === 'least' ? String(FIELD_RANGES[j]?.[0]) : v);
        const items = generated.map(([action, fields], k) => [action, fields.map((v, j) => written(v, k, j))] as const);
        let text = '';
        let offset = -1;
        items.forEach(([action, fields], k) => {
          text += `${k > 0 ? ';' + space : space}${action}:${space}`;
          fields.forEach((v, j) => {
            text += j > 0 ? space : '';
            if (k === i && j === f) offset = text.length;
            text += v;
          });
        });
        const r = parseSchedule(text);
        if (r.ok) throw new Error(`parsed: ${text}`);
        // an earlier item may fail first only if it also holds this value; it does not, so this item fails
        expect(r.error).toMatchObject({ code: 'out-of-range', offset, length: String(value).length, item: i + 1 });
        expect(text.slice(r.error.offset, r.error.offset + r.error.length)).toBe(String(value));
      }),
      { numRuns: 300 },
    );
  });

  it('any error points inside the text', () => {
    fc.assert(
      fc.property(scheduleText, (text) => {
        const r = parseSchedule(text);
        if (r.ok) return;
        expect(r.error.offset).toBeGreaterThanOrEqual(0);
        expect(r.error.offset + r.error.length).toBeLessThanOrEqual(Math.max(text.length, 1));
        expect(r.error.message).toMatch(/^[a-z]/);
        expect(r.error.fix.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
