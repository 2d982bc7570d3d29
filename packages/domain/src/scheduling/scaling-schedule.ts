/**
 * A group's scaling schedule (SPEC §8, EM's `PUT /asgs/{name}/scaling-schedule` with a list): sizes the group takes
 * at recurring times, e.g. 4 instances at 08:00 on weekdays and 1 at 19:00. EM created Auto Scaling scheduled
 * actions named `EM-Scheduled-Action-<n>` and tagged the group `Schedule=NOSCHEDULE`. Ours keeps each action in a
 * group tag of that name, and the scheduler job applies the latest occurrence it has not applied yet, so the same
 * schedule works on every Compute (local and AWS), is carried out behind the scheduler's lock, and is recorded in
 * its action log. Pure.
 */
import type { FieldProblem } from '../errors.js';
import { evaluateSchedule } from './evaluate.js';
import { parseSchedule } from './parse-schedule.js';
import type { CronSchedule } from './schedule.js';

/** One recurring size change; the field names are EM's. */
export interface ScalingAction {
  /** A five-field cron (`minute hour day month weekday`), as Auto Scaling's `Recurrence`. */
  Recurrence: string;
  /** IANA zone the cron is read in. @default UTC */
  TimeZone?: string;
  DesiredCapacity: number;
  MinSize?: number;
  MaxSize?: number;
}

export const SCALING_ACTION_TAG_PREFIX = 'EM-Scheduled-Action-';
/** When the latest applied occurrence happened (ISO 8601): occurrences up to it are never applied again. */
export const SCALING_APPLIED_TAG = 'EM-Scheduled-Action-Applied';
/** Auto Scaling allows 125 scheduled actions per group; far more than any schedule of people's working hours. */
export const MAX_SCALING_ACTIONS = 20;

/** The schedule of one action as the scheduler's cron reads it, or the parser's message. */
function cronOf(a: Pick<ScalingAction, 'Recurrence' | 'TimeZone'>): { ok: true; schedule: CronSchedule } | { ok: false; message: string; fix: string } {
  const fields = a.Recurrence.trim().split(/\s+/);
  if (fields.length !== 5) return { ok: false, message: `must have 5 fields (minute hour day month weekday), got ${fields.length}`, fix: 'e.g. `0 8 * * 1-5` for 08:00 on weekdays' };
  const parsed = parseSchedule(`start: ${fields.join(' ')}${a.TimeZone !== undefined ? ` | ${a.TimeZone}` : ''}`);
  if (!parsed.ok) return { ok: false, message: parsed.error.message, fix: parsed.error.fix };
  if (parsed.schedule.kind !== 'cron') return { ok: false, message: 'is not a cron', fix: 'e.g. `0 8 * * 1-5`' };
  return { ok: true, schedule: parsed.schedule };
}

/** Problems with a list of actions, with paths under `prefix` (e.g. `schedule[1].DesiredCapacity`). */
export function scalingActionsProblems(actions: readonly ScalingAction[], prefix = 'schedule'): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (actions.length === 0) problems.push({ path: prefix, message: 'give at least one action, or a schedule string such as NOSCHEDULE to remove them' });
  if (actions.length > MAX_SCALING_ACTIONS) problems.push({ path: prefix, message: `at most ${MAX_SCALING_ACTIONS} actions, got ${actions.length}` });
  actions.forEach((a, i) => {
    const at = `${prefix}[${i}]`;
    const cron = cronOf(a);
    if (!cron.ok) problems.push({ path: a.TimeZone !== undefined && /zone/i.test(cron.message) ? `${at}.TimeZone` : `${at}.Recurrence`, message: `${cron.message}; ${cron.fix}` });
    for (const key of ['DesiredCapacity', 'MinSize', 'MaxSize'] as const) {
      const n = a[key];
      if (n !== undefined && (!Number.isInteger(n) || n < 0)) problems.push({ path: `${at}.${key}`, message: `must be a whole number of at least 0, got ${n}` });
    }
    if (a.MinSize !== undefined && a.DesiredCapacity < a.MinSize) problems.push({ path: `${at}.DesiredCapacity`, message: `${a.DesiredCapacity} is below MinSize ${a.MinSize}` });
    if (a.MaxSize !== undefined && a.DesiredCapacity > a.MaxSize) problems.push({ path: `${at}.DesiredCapacity`, message: `${a.DesiredCapacity} is above MaxSize ${a.MaxSize}` });
  });
  return problems;
}

/** An action as one tag value: `desired=4 min=1 max=6 tz=Europe/London cron=0 8 * * 1-5` (the cron last: it has spaces). */
export function scalingActionTagValue(a: ScalingAction): string {
  const parts = [`desired=${a.DesiredCapacity}`];
  if (a.MinSize !== undefined) parts.push(`min=${a.MinSize}`);
  if (a.MaxSize !== undefined) parts.push(`max=${a.MaxSize}`);
  if (a.TimeZone !== undefined) parts.push(`tz=${a.TimeZone}`);
  parts.push(`cron=${a.Recurrence.trim().split(/\s+/).join(' ')}`);
  return parts.join(' ');
}

/** Reads a tag value back; undefined when it is not one (a tag edited by hand), which the scheduler reports. */
export function parseScalingActionTag(value: string): ScalingAction | undefined {
  const at = value.indexOf('cron=');
  if (at < 0) return undefined;
  const fields = new Map(value.slice(0, at).trim().split(/\s+/).filter(Boolean).map((kv) => kv.split('=', 2) as [string, string | undefined]));
  const num = (k: string) => (fields.has(k) ? Number(fields.get(k)) : undefined);
  const desired = num('desired');
  if (desired === undefined) return undefined;
  const a: ScalingAction = { Recurrence: value.slice(at + 5).trim(), DesiredCapacity: desired };
  const min = num('min');
  const max = num('max');
  const tz = fields.get('tz');
  if (min !== undefined) a.MinSize = min;
  if (max !== undefined) a.MaxSize = max;
  if (tz !== undefined) a.TimeZone = tz;
  return scalingActionsProblems([a]).length === 0 ? a : undefined;
}

/** The actions of a group's tags, in order, and the names of tags that could not be read. */
export function scalingActionsOf(tags: Readonly<Record<string, string>>): { actions: ScalingAction[]; unreadable: string[] } {
  const named = Object.entries(tags)
    .filter(([k]) => k.startsWith(SCALING_ACTION_TAG_PREFIX) && /^\d+$/.test(k.slice(SCALING_ACTION_TAG_PREFIX.length)))
    .sort(([a], [b]) => Number(a.slice(SCALING_ACTION_TAG_PREFIX.length)) - Number(b.slice(SCALING_ACTION_TAG_PREFIX.length)));
  const actions: ScalingAction[] = [];
  const unreadable: string[] = [];
  for (const [k, v] of named) {
    const a = parseScalingActionTag(v);
    if (a) actions.push(a);
    else unreadable.push(k);
  }
  return { actions, unreadable };
}

/** The tags without any scaling schedule (actions and the applied mark). */
export function tagsWithoutScalingSchedule(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([k]) => !k.startsWith(SCALING_ACTION_TAG_PREFIX)));
}

/**
 * The tags with `actions` as the scaling schedule: `Schedule=NOSCHEDULE` (as EM: the instance scheduler leaves the
 * members alone), one tag per action, and the applied mark at `nowMs`, so that only occurrences after now apply.
 */
export function tagsWithScalingSchedule(tags: Readonly<Record<string, string>>, actions: readonly ScalingAction[], nowMs: number): Record<string, string> {
  const out = tagsWithoutScalingSchedule(tags);
  for (const k of Object.keys(out)) if (k.toLowerCase() === 'schedule') delete out[k];
  out['Schedule'] = 'NOSCHEDULE';
  actions.forEach((a, i) => {
    out[`${SCALING_ACTION_TAG_PREFIX}${i + 1}`] = scalingActionTagValue(a);
  });
  out[SCALING_APPLIED_TAG] = new Date(nowMs).toISOString();
  return out;
}

export interface DueScaling {
  /** 0-based index of the action. */
  index: number;
  action: ScalingAction;
  /** When its occurrence happened. */
  atMs: number;
  wallTime: string;
}

/**
 * The action to apply at `nowMs`: the latest occurrence of any action at or before now (the one written last wins a
 * tie), when it happened after `appliedAtMs`. Missed occurrences are not replayed one by one: only the latest
 * matters, as for a size. Undefined when nothing new has occurred.
 */
export function dueScalingAction(actions: readonly ScalingAction[], appliedAtMs: number | undefined, nowMs: number): DueScaling | undefined {
  let best: DueScaling | undefined;
  actions.forEach((action, index) => {
    const cron = cronOf(action);
    if (!cron.ok) return;
    const at = evaluateSchedule(cron.schedule, nowMs);
    if (at === undefined) return;
    if (best === undefined || at.atMs >= best.atMs) best = { index, action, atMs: at.atMs, wallTime: at.wallTime };
  });
  if (best === undefined || (appliedAtMs !== undefined && best.atMs <= appliedAtMs)) return undefined;
  return best;
}

/** The applied mark of a group's tags, ms; undefined when absent or unreadable. */
export function scalingAppliedAt(tags: Readonly<Record<string, string>>): number | undefined {
  const v = tags[SCALING_APPLIED_TAG];
  const ms = v === undefined ? NaN : Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}
