/**
 * Expiring overrides (ours, beyond EM): "keep environment X on until 22:00". While active, an override is the
 * schedule of every instance and group of the environment, above their own tags, except those tagged `NOSCHEDULE`
 * (which the scheduler never touches) and those the skip rules leave alone (maintenance). At `until` it stops
 * counting by itself: nothing has to run for the environment to return to its schedule.
 */
import { decide, scheduleExpectation, type ScheduleDecision, type ScheduleMemo } from './decide.js';
import { resolveSchedule, type ScheduleDecisionInput, type ScheduleLookup, type ScheduleSource } from './schedule-source.js';

export interface ScheduleOverride {
  state: 'on' | 'off';
  /** The override counts while `nowMs < untilMs`. */
  untilMs: number;
  by?: string | undefined;
  reason?: string | undefined;
}

/** Where a planned decision's schedule came from: SPEC §8's sources, or an environment's override. */
export type PlannedScheduleSource = ScheduleSource | 'override';

/** A decision whose source may be an override. */
export interface OverridableDecision extends Omit<ScheduleDecision, 'source'> {
  source?: PlannedScheduleSource;
}

export function isOverrideActive(o: ScheduleOverride | undefined, nowMs: number): o is ScheduleOverride {
  return o !== undefined && nowMs < o.untilMs;
}

/** `ON until 2026-11-23T22:00:00.000Z`: the schedule text decisions show for an override. */
export function overrideScheduleText(o: ScheduleOverride): string {
  return `${o.state.toUpperCase()} until ${new Date(o.untilMs).toISOString()}`;
}

/** `overridden on until … by alice (late release)`. */
export function describeOverride(o: ScheduleOverride): string {
  return `overridden ${o.state} until ${new Date(o.untilMs).toISOString()}${o.by ? ` by ${o.by}` : ''}${o.reason ? ` (${o.reason})` : ''}`;
}

/**
 * Whether an active override replaces the schedule that `lookup` resolves to: always, except for `NOSCHEDULE`, which
 * means "leave this alone" whoever asks.
 */
export function overrideApplies(lookup: ScheduleLookup, nowMs: number, memo?: ScheduleMemo): boolean {
  const resolved = resolveSchedule(lookup);
  return resolved === undefined || scheduleExpectation(resolved.text, nowMs, memo).kind !== 'noschedule';
}

/**
 * The lookup as the override has it: blank `Schedule` tags fall through to the environment (SPEC §8 precedence), and
 * the environment says `ON` (manual up) or `OFF` (both flags false). Other tags (`Maintenance`) stay.
 */
export function withOverride<T extends ScheduleLookup>(lookup: T, o: ScheduleOverride): T {
  const blank = <U extends { tags: Readonly<Record<string, string>> }>(x: U | undefined): U | undefined => x && { ...x, tags: { ...x.tags, Schedule: '' } };
  return {
    ...lookup,
    instance: blank(lookup.instance),
    group: blank(lookup.group),
    environment: lookup.environment && { ...lookup.environment, manualScheduleUp: o.state === 'on', scheduleAutomatically: false },
  };
}

/** Relabels a decision the override made: its source is the override, its reason says so. */
export function asOverridden<D extends { source?: PlannedScheduleSource | undefined; reason: string; schedule?: string | undefined }>(d: D, o: ScheduleOverride): D {
  if (d.source !== 'environment') return d;
  return { ...d, source: 'override', schedule: overrideScheduleText(o), reason: `${describeOverride(o)}; ${d.reason}` };
}

/** `decide`, with the environment's override when it is active and applies (see {@link overrideApplies}). */
export function decideWithOverride(input: ScheduleDecisionInput, override: ScheduleOverride | undefined, nowMs: number, memo?: ScheduleMemo): OverridableDecision {
  if (!isOverrideActive(override, nowMs) || !overrideApplies(input, nowMs, memo)) return decide(input, nowMs, memo);
  return asOverridden<OverridableDecision>(decide(withOverride(input, override), nowMs, memo), override);
}
