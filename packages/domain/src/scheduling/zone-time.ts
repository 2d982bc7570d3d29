/**
 * Wall-clock time in IANA zones, from the runtime's time-zone data (`Intl`), without reading the clock.
 *
 * A cron time is a wall-clock minute. Its occurrence is **the first instant at which the zone's wall clock reaches
 * it**. So across a spring-forward gap the skipped minutes occur at the jump (like Vixie cron's fixed-time jobs), and
 * across a fall-back overlap the repeated minutes occur once, the first time (a repeated hour does not switch an
 * instance twice). Each wall-clock minute thus occurs exactly once, and in wall-clock order.
 */

/** A wall-clock minute: month 1–12, day 1–31, hour 0–23. */
export interface WallMinute {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** Instants the scheduler reads: from 1970-01-02 to 9999-12-30 UTC, so that every zone's wall clock has a 4-digit year. */
export const MIN_SCHEDULE_INSTANT_MS = Date.UTC(1970, 0, 2);
export const MAX_SCHEDULE_INSTANT_MS = Date.UTC(9999, 11, 30);

export function isSupportedScheduleInstant(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_SCHEDULE_INSTANT_MS && ms <= MAX_SCHEDULE_INSTANT_MS;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The largest backward jump of a wall clock that `wallClockReached` accounts for. */
const MAX_BACKWARD_JUMP_MS = 25 * HOUR_MS;

/** A memo of formatters: building one costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat | undefined {
  const known = formatters.get(zone);
  if (known) return known;
  try {
    const f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    if (formatters.size < 1000) formatters.set(zone, f);
    return f;
  } catch (_) {
    return undefined; // RangeError: not a zone this runtime knows
  }
}

/** An IANA zone name: letters first, then letters, digits, `_`, `+`, `-`, in `/`-separated parts. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/**
 * The runtime's name of an IANA zone (`europe/london` → `Europe/London`), or undefined when the name is not one.
 * Offsets such as `+01:00` are not zones.
 */
export function canonicalZone(name: string): string | undefined {
  if (!ZONE_NAME.test(name)) return undefined;
  const known = canonicalNames.get(name);
  if (known !== undefined) return known;
  const canonical = formatterOf(name)?.resolvedOptions().timeZone;
  if (canonical !== undefined && canonicalNames.size < 1000) canonicalNames.set(name, canonical);
  return canonical;
}

const canonicalNames = new Map<string, string>();

/** The wall clock of `zone` at an instant, to the second. */
function wallAt(ms: number, zone: string): { wall: WallMinute; second: number } {
  const f = zone === 'UTC' ? undefined : formatterOf(zone);
  if (f === undefined) {
    const d = new Date(ms);
    const wall = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
    return { wall, second: d.getUTCSeconds() };
  }
  // `format` is twice as fast as `formatToParts`; its en-US layout is `M/D/YYYY, HH:MM:SS`, else read the parts
  const m = EN_US.exec(f.format(ms));
  const n: Record<string, number> = {};
  if (m) ['month', 'day', 'year', 'hour', 'minute', 'second'].forEach((k, i) => (n[k] = Number(m[i + 1])));
  else for (const p of f.formatToParts(ms)) if (p.type !== 'literal') n[p.type] = Number(p.value);
  const wall = { year: n.year ?? 0, month: n.month ?? 1, day: n.day ?? 1, hour: (n.hour ?? 0) % 24, minute: n.minute ?? 0 };
  return { wall, second: n.second ?? 0 };
}

const EN_US = /^(\d{1,2})\/(\d{1,2})\/(\d{4}), (\d{2}):(\d{2}):(\d{2})$/;

/** The wall-clock minute as if it were UTC, in ms: a number that orders wall-clock minutes. */
export function wallKey(w: WallMinute): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
}

/** UTC offset of `zone` at an instant (wall clock minus UTC), to the second. */
function offsetAt(ms: number, zone: string): number {
  return offsetOf(ms, wallAt(ms, zone));
}

function offsetOf(ms: number, { wall, second }: { wall: WallMinute; second: number }): number {
  return wallKey(wall) + second * 1000 - Math.floor(ms / 1000) * 1000;
}

/** The wall-clock minute of `zone` at an instant. */
export function wallMinuteAt(ms: number, zone: string): WallMinute {
  return wallAt(ms, zone).wall;
}

/**
 * The latest wall-clock minute the zone's clock has reached by `nowMs` (inclusive). Usually the minute it shows; for
 * up to the size of a backward jump after a fall-back, the minute it showed just before the jump. Assumes, like
 * `instantOfWall`, at most one offset change within 25 hours: true of every zone of the tz database from 1970 to
 * 2040 (the largest backward jump there is Antarctica/Vostok's 7 hours in 1994).
 */
export function wallClockReached(nowMs: number, zone: string): WallMinute {
  const at = wallAt(nowMs, zone);
  const now = at.wall;
  if (zone === 'UTC') return now;
  const since = nowMs - MAX_BACKWARD_JUMP_MS;
  const before = offsetAt(since, zone);
  if (offsetOf(nowMs, at) >= before) return now;
  const shown = wallMinuteAt(transitionIn(since, nowMs, before, zone) - 1, zone);
  return wallKey(shown) > wallKey(now) ? shown : now;
}

/** The first instant in (a, b] with an offset other than `before`; zones change offsets on whole seconds. */
function transitionIn(a: number, b: number, before: number, zone: string): number {
  let lo = Math.floor(a / 1000) * 1000;
  let hi = b;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(mid, zone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * When the zone's wall clock first reaches `w`: the earlier instant of a repeated minute, the jump itself for a
 * skipped one. Assumes at most one offset change within a day of `w`.
 */
export function instantOfWall(w: WallMinute, zone: string): number {
  const key = wallKey(w);
  if (zone === 'UTC') return key;
  const candidates = [key - offsetAt(key - DAY_MS, zone), key - offsetAt(key + DAY_MS, zone)].sort((x, y) => x - y);
  for (const t of candidates) if (wallKey(wallMinuteAt(t, zone)) === key) return t;
  // In a gap: the wall clock rises through (lo, hi] with one forward jump; find where it first reaches `w`.
  let lo = candidates[0] ?? key;
  let hi = candidates[1] ?? key;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (wallKey(wallMinuteAt(mid, zone)) >= key) hi = mid;
    else lo = mid;
  }
  return hi;
}
