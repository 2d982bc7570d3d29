import {
  clearScheduleOverrideValue,
  describeOverride,
  explainSchedule,
  isOverrideActive,
  OPS_REASON_MAX,
  overrideScheduleText,
  resolveSchedule,
  scheduleOverrideProblems,
  scheduleOverrideValue,
  scheduleSettingsProblems,
  scheduleSettingsValue,
  ValidationError,
  type ScheduleSettingsChange,
  type ScheduleStatus,
} from '@envmgr/domain';
import type { Clock, ConfigStore } from '@envmgr/ports';
import type { ConfigDeps, RequestContext } from '../context.js';
import { changeEnvironmentOps, environmentOpsResource, getEnvironmentOps, type EnvironmentOps } from '../environments/environment-ops.js';
import { toScheduleOverride } from './schedule-environments.js';

/** The protectable action of every change to an environment's schedule (SPEC §9 #13). */
export const SCHEDULE_ENVIRONMENT = 'SCHEDULE_ENVIRONMENT';

/**
 * Changes an environment's schedule settings (PUT on `/environments/<env>/schedule`): omitted fields keep their
 * value, `defaultSchedule: null` removes it. Refused to everyone (403 `protected-action`) when the environment's type
 * protects `SCHEDULE_ENVIRONMENT`. Throws NotFoundError, ForbiddenError, and ValidationError naming `defaultSchedule`
 * and the fix for a schedule that cannot be read, has stop times but no start, or is missing while followed.
 * Audited as a change of the environment's ops record.
 */
export async function setScheduleSettings(deps: ConfigDeps, ctx: RequestContext, cmd: { environment: string } & ScheduleSettingsChange): Promise<EnvironmentOps> {
  const { environment, ...change } = cmd;
  if (change.manualScheduleUp === undefined && change.scheduleAutomatically === undefined && change.defaultSchedule === undefined) {
    throw new ValidationError([{ path: '', message: 'give at least one of manualScheduleUp, scheduleAutomatically and defaultSchedule' }]);
  }
  return changeEnvironmentOps(deps, ctx, {
    environment,
    write: { method: 'PUT', resource: environmentOpsResource(environment, 'schedule'), protectedAction: SCHEDULE_ENVIRONMENT },
    change: (value) => {
      const after = scheduleSettingsValue(value, change);
      const problems = scheduleSettingsProblems(change, after);
      if (problems.length) throw new ValidationError(problems);
      return after;
    },
  });
}

/**
 * Overrides an environment's schedule until `until` (POST on `/environments/<env>/schedule-override`), replacing an
 * earlier override. It stops counting at `until` by itself. Throws ValidationError for a time that is not in the
 * future or more than 31 days ahead, or a reason over 500 characters; NotFoundError; ForbiddenError (also when the
 * type protects `SCHEDULE_ENVIRONMENT`). Audited as a change of the ops record.
 */
export async function setScheduleOverride(
  deps: ConfigDeps,
  ctx: RequestContext,
  cmd: { environment: string; state: 'on' | 'off'; until: string; reason?: string | undefined },
): Promise<EnvironmentOps> {
  const untilMs = Date.parse(cmd.until);
  const problems = scheduleOverrideProblems(untilMs, deps.clock.now());
  if (cmd.reason !== undefined && cmd.reason.length > OPS_REASON_MAX) problems.push({ path: 'reason', message: `must be text of at most ${OPS_REASON_MAX} characters; got ${cmd.reason.length}` });
  if (problems.length) throw new ValidationError(problems);
  const reason = cmd.reason?.trim() === '' ? undefined : cmd.reason?.trim();
  return changeEnvironmentOps(deps, ctx, {
    environment: cmd.environment,
    write: { method: 'POST', resource: environmentOpsResource(cmd.environment, 'schedule-override'), protectedAction: SCHEDULE_ENVIRONMENT },
    change: (value, at) => scheduleOverrideValue(value, { state: cmd.state, untilMs }, { by: ctx.actor.name, at, reason }),
  });
}

/** Ends an override early (DELETE on `/environments/<env>/schedule-override`); without one nothing changes. */
export async function clearScheduleOverride(deps: ConfigDeps, ctx: RequestContext, cmd: { environment: string }): Promise<EnvironmentOps> {
  return changeEnvironmentOps(deps, ctx, {
    environment: cmd.environment,
    write: { method: 'DELETE', resource: environmentOpsResource(cmd.environment, 'schedule-override'), protectedAction: SCHEDULE_ENVIRONMENT },
    change: (value) => clearScheduleOverrideValue(value),
  });
}

/** Whether an environment's override counts at `atMs`. */
export function isScheduleOverrideActive(o: EnvironmentOps['scheduleOverride'], atMs: number): boolean {
  return o !== undefined && atMs < Date.parse(o.until);
}

/** `GET /environments/{name}/schedule-status`: EM's `Status`, and ours: where it comes from and why. */
export interface EnvironmentScheduleStatus {
  environment: string;
  /** The instant asked about (ISO 8601 UTC). */
  at: string;
  status: ScheduleStatus;
  source: 'environment' | 'override';
  /** The schedule that applies: `DefaultSchedule`, `ON`/`OFF` from the flags, or the override. */
  schedule: string;
  reason: string;
}

/**
 * The status of an environment's own schedule at `atMs` (default now): its active override, else what its settings
 * say (SPEC §8 precedence at the environment level). Instances and groups may have their own tags; see
 * `planScheduleActions` for them. Throws NotFoundError, UnauthenticatedError.
 */
export async function environmentScheduleStatus(
  deps: { store: ConfigStore; clock: Clock },
  ctx: RequestContext,
  q: { environment: string; atMs?: number | undefined },
): Promise<EnvironmentScheduleStatus> {
  const ops = await getEnvironmentOps(deps, ctx, q.environment);
  const atMs = q.atMs ?? deps.clock.now();
  const at = new Date(atMs).toISOString();
  const o = ops.scheduleOverride;
  if (o) {
    const override = toScheduleOverride({ State: o.state, Until: o.until, By: o.by, At: o.at, ...(o.reason !== undefined ? { Reason: o.reason } : {}) });
    if (isOverrideActive(override, atMs)) {
      return { environment: ops.environment, at, status: o.state === 'on' ? 'ON' : 'OFF', source: 'override', schedule: overrideScheduleText(override), reason: describeOverride(override) };
    }
  }
  const settings = { manualScheduleUp: ops.manualScheduleUp, scheduleAutomatically: ops.scheduleAutomatically, defaultSchedule: ops.defaultSchedule };
  const text = resolveSchedule({ environment: settings })?.text ?? '';
  const explained = explainSchedule(text, atMs);
  return { environment: ops.environment, at, status: explained.status, source: 'environment', schedule: text, reason: explained.reason };
}
