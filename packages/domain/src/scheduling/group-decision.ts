/**
 * Whole groups on a schedule (ours, beyond EM): a group tagged `ScheduleMode=scale-to-zero` is switched off by
 * scaling it to zero, remembering its min, desired and max in tags, and switched on by restoring them. Its schedule
 * is its own `Schedule` tag, else its environment's (SPEC §8 precedence without the instance level). Members of such
 * a group are left to the group. Without the tag, groups follow EM: each member leaves service, then stops.
 */
import { invalidReason } from './explain.js';
import { because, scheduleExpectation, type ScheduleMemo, type ScheduleSkipCode } from './decide.js';
import { asOverridden, isOverrideActive, overrideApplies, withOverride, type PlannedScheduleSource, type ScheduleOverride } from './override.js';
import { isInMaintenanceByTag, resolveSchedule, tagValue, type ScheduleEnvironment } from './schedule-source.js';

/** The tag that puts a group on a scale-to-zero schedule, and its value. */
export const SCHEDULE_MODE_TAG = 'ScheduleMode';
export const SCALE_TO_ZERO = 'scale-to-zero';

/** The tags that remember a group's size while it is scaled to zero. */
export const SAVED_SIZE_TAGS = { min: 'EM-Schedule-MinSize', desired: 'EM-Schedule-DesiredCapacity', max: 'EM-Schedule-MaxSize' } as const;

export interface ScheduleGroupSize {
  min: number;
  desired: number;
  max: number;
}

export interface ScheduleScalableGroup {
  name: string;
  tags: Readonly<Record<string, string>>;
  size: ScheduleGroupSize;
}

export type GroupScheduleAction = 'scaleToZero' | 'restoreSize' | 'skip';
export type GroupSkipCode = Extract<
  ScheduleSkipCode,
  'no-environment' | 'unknown-environment' | 'maintenance-tag' | 'environment-in-maintenance' | 'invalid-schedule' | 'no-schedule' | 'not-found' | 'unsupported-instant' | 'state-is-correct' | 'held-by-deployment'
> | 'saved-size-invalid';

export interface GroupScheduleDecision {
  action: GroupScheduleAction;
  source?: PlannedScheduleSource;
  schedule?: string;
  reason: string;
  skipCode?: GroupSkipCode;
  /** `scaleToZero`: the size to remember; `restoreSize`: the size to restore. */
  size?: ScheduleGroupSize;
}

/** Whether the group is scheduled as a whole (tag `ScheduleMode=scale-to-zero`, any case). */
export function isScheduledAsWhole(tags: Readonly<Record<string, string>>): boolean {
  return tagValue(tags, SCHEDULE_MODE_TAG)?.trim().toLowerCase() === SCALE_TO_ZERO;
}

/** The size remembered in the group's tags; undefined when none is, `invalid` when the tags are damaged. */
export function savedSizeOf(tags: Readonly<Record<string, string>>): ScheduleGroupSize | 'invalid' | undefined {
  const raw = [tags[SAVED_SIZE_TAGS.min], tags[SAVED_SIZE_TAGS.desired], tags[SAVED_SIZE_TAGS.max]];
  if (raw.every((v) => v === undefined)) return undefined;
  const [min, desired, max] = raw.map((v) => (v !== undefined && /^\d{1,6}$/.test(v.trim()) ? Number(v) : Number.NaN));
  if (min === undefined || desired === undefined || max === undefined || [min, desired, max].some(Number.isNaN)) return 'invalid';
  return min <= desired && desired <= max ? { min, desired, max } : 'invalid';
}

/** The group's tags with its size remembered. */
export function tagsWithSavedSize(tags: Readonly<Record<string, string>>, size: ScheduleGroupSize): Record<string, string> {
  return { ...tags, [SAVED_SIZE_TAGS.min]: String(size.min), [SAVED_SIZE_TAGS.desired]: String(size.desired), [SAVED_SIZE_TAGS.max]: String(size.max) };
}

/** The group's tags without the remembered size. */
export function tagsWithoutSavedSize(tags: Readonly<Record<string, string>>): Record<string, string> {
  const out = { ...tags };
  for (const key of Object.values(SAVED_SIZE_TAGS)) delete out[key];
  return out;
}

export interface GroupDecisionInput {
  group: ScheduleScalableGroup;
  /** Absent when the group has no `Environment` tag. */
  environment?: ScheduleEnvironment | undefined;
  override?: ScheduleOverride | undefined;
}

/** What the scheduler does to a scale-to-zero group at `nowMs`, with the skip rules of SPEC §8 that apply to groups. */
export function decideGroup(input: GroupDecisionInput, nowMs: number, memo?: ScheduleMemo): GroupScheduleDecision {
  const { group, environment: env, override } = input;
  if (env === undefined || env.name.trim() === '') return skip('no-environment', 'the group has no Environment tag');
  if (!env.exists) return skip('unknown-environment', `environment '${env.name}' does not exist`);
  if (isInMaintenanceByTag(group.tags)) return skip('maintenance-tag', 'the group is tagged Maintenance=true');
  if (env.inMaintenance) return skip('environment-in-maintenance', `environment '${env.name}' is in maintenance`);
  const lookup = { group, environment: env };
  if (isOverrideActive(override, nowMs) && overrideApplies(lookup, nowMs, memo)) return asOverridden(decideScaling(withOverride(lookup, override), nowMs, memo), override);
  return decideScaling(lookup, nowMs, memo);
}

function decideScaling(lookup: { group: ScheduleScalableGroup; environment: ScheduleEnvironment }, nowMs: number, memo: ScheduleMemo | undefined): GroupScheduleDecision {
  const resolved = resolveSchedule(lookup);
  // an environment always yields a schedule; this narrows the type
  if (resolved === undefined) return skip('no-environment', 'the group has no schedule and no environment');
  const act = (action: GroupScheduleAction, reason: string, size?: ScheduleGroupSize): GroupScheduleDecision => ({
    action, source: resolved.source, schedule: resolved.text, reason, ...(size ? { size } : {}),
  });
  const pass = (skipCode: GroupSkipCode, reason: string): GroupScheduleDecision => ({ ...act('skip', reason), skipCode });
  const expected = scheduleExpectation(resolved.text, nowMs, memo);
  switch (expected.kind) {
    case 'invalid': return pass('invalid-schedule', invalidReason(expected.error));
    case 'noschedule': return pass('no-schedule', 'the schedule is NOSCHEDULE');
    case 'not-found': return pass('not-found', 'no item of the schedule has occurred yet');
    case 'unsupported-instant': return pass('unsupported-instant', `the instant ${String(nowMs)} is outside the supported range (1970–9999)`);
    case 'on':
    case 'off':
      break;
  }
  const { group } = lookup;
  const saved = savedSizeOf(group.tags);
  const why = because(expected);
  const size = `${group.size.min}/${group.size.desired}/${group.size.max}`;
  if (saved === 'invalid') {
    return pass('saved-size-invalid', `the tags ${Object.values(SAVED_SIZE_TAGS).join(', ')} of group '${group.name}' do not hold a valid size; fix or remove them`);
  }
  if (expected.kind === 'on') {
    if (saved === undefined) return pass('state-is-correct', `${why}; group '${group.name}' runs at its size (min/desired/max ${size})`);
    return act('restoreSize', `${why}; group '${group.name}' is scaled to zero; its size ${saved.min}/${saved.desired}/${saved.max} is restored`, saved);
  }
  if (saved !== undefined) return pass('state-is-correct', `${why}; group '${group.name}' is already scaled to zero`);
  if (group.size.desired === 0 && group.size.min === 0) return pass('state-is-correct', `${why}; group '${group.name}' has no instances to switch off`);
  return act('scaleToZero', `${why}; group '${group.name}' (min/desired/max ${size}) is scaled to zero and its size remembered in tags`, group.size);
}

function skip(skipCode: GroupSkipCode, reason: string): GroupScheduleDecision {
  return { action: 'skip', reason, skipCode };
}
