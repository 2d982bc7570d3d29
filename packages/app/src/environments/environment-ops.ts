import {
  AlreadyExistsError,
  isActionProtected,
  itemFacts,
  jsonEqual,
  lockDeploymentsValue,
  maintenanceValue,
  NotFoundError,
  OPS_REASON_MAX,
  opsRecordData,
  opsRecordRules,
  opsValueOf,
  protectedActionsOf,
  stringAt,
  unlockDeploymentsValue,
  ValidationError,
  VersionConflictError,
  type ConfigItem,
  type OpsChange,
  type OpsRecordValue,
  type OpsScheduleOverride,
} from '@envmgr/domain';
import type { ConfigChange, ConfigStore } from '@envmgr/ports';
import type { ConfigDeps, RequestContext } from '../context.js';
import { changeContext } from '../config/write-items.js';
import { requirePermission, requireSignedIn } from '../identity/access.js';

/**
 * The operational state of an environment (EM's ops record, SPEC §3.3): deploy lock, maintenance, schedule settings.
 * An environment without a stored record has the defaults below.
 */
export interface EnvironmentOps {
  environment: string;
  deploymentsLocked: boolean;
  /** Who locked deployments, when and why; set while `deploymentsLocked` (absent for a lock imported from EM). */
  lock?: { by: string; at: string; reason?: string };
  inMaintenance: boolean;
  /** Who put the environment in maintenance, when and why; set while `inMaintenance` (absent when imported from EM). */
  maintenance?: { by: string; at: string; reason?: string };
  manualScheduleUp: boolean;
  scheduleAutomatically: boolean;
  defaultSchedule?: string;
  /** The last override of the environment's schedule (ours); it counts only until `until` (see docs/scheduling.md). */
  scheduleOverride?: { state: 'on' | 'off'; until: string; by: string; at: string; reason?: string };
  /** The stored record's version; absent when none is stored. */
  version?: number;
}

const OPS = 'environment-ops';
/** Concurrent writers of one ops record each re-read and re-apply their change; this many times at most. */
const MAX_ATTEMPTS = 5;

function markOf(m: { By: string; At: string; Reason?: string } | undefined): EnvironmentOps['lock'] {
  return m && { by: m.By, at: m.At, ...(m.Reason !== undefined ? { reason: m.Reason } : {}) };
}

function overrideOf(o: OpsScheduleOverride): NonNullable<EnvironmentOps['scheduleOverride']> {
  return { state: o.State, until: o.Until, by: o.By, at: o.At, ...(o.Reason !== undefined ? { reason: o.Reason } : {}) };
}

function toEnvironmentOps(environment: string, item: ConfigItem | undefined): EnvironmentOps {
  const v = opsValueOf(item?.data);
  const lock = v.DeploymentsLocked === true ? markOf(v.DeploymentLock) : undefined;
  const maintenance = v.EnvironmentInMaintenance === true ? markOf(v.Maintenance) : undefined;
  return {
    environment,
    deploymentsLocked: v.DeploymentsLocked === true,
    ...(lock ? { lock } : {}),
    inMaintenance: v.EnvironmentInMaintenance === true,
    ...(maintenance ? { maintenance } : {}),
    manualScheduleUp: v.ManualScheduleUp === true,
    scheduleAutomatically: v.ScheduleAutomatically === true,
    ...(v.DefaultSchedule !== undefined ? { defaultSchedule: v.DefaultSchedule } : {}),
    ...(v.ScheduleOverride ? { scheduleOverride: overrideOf(v.ScheduleOverride) } : {}),
    ...(item ? { version: item.version } : {}),
  };
}

/** The ops record of an environment, or the defaults when none is stored. Does not check that the environment exists. */
export async function readEnvironmentOps(deps: { store: ConfigStore }, environment: string): Promise<EnvironmentOps> {
  return toEnvironmentOps(environment, await deps.store.get(OPS, environment));
}

async function environmentOrThrow(store: ConfigStore, environment: string): Promise<ConfigItem> {
  const env = await store.get('environments', environment);
  if (!env) throw new NotFoundError('environment', environment);
  return env;
}

/** The ops of an existing environment, for any signed-in actor. Throws NotFoundError for an unknown environment. */
export async function getEnvironmentOps(deps: { store: ConfigStore }, ctx: RequestContext, environment: string): Promise<EnvironmentOps> {
  requireSignedIn(ctx.actor);
  await environmentOrThrow(deps.store, environment);
  return readEnvironmentOps(deps, environment);
}

/** Whether the environment's type protects `action` (its `ProtectedActions`, SPEC §9). Throws NotFoundError. */
export async function isEnvironmentActionProtected(
  deps: { store: ConfigStore },
  ctx: RequestContext,
  q: { environment: string; action: string },
): Promise<{ environment: string; action: string; isProtected: boolean }> {
  requireSignedIn(ctx.actor);
  const env = await environmentOrThrow(deps.store, q.environment);
  const typeName = stringAt(env.data, 'Value.EnvironmentType');
  const type = typeName ? await deps.store.get('environment-types', typeName) : undefined;
  return { environment: env.key, action: q.action, isProtected: isActionProtected(type?.data, q.action) };
}

/** The write an ops change stands for, as SPEC §9 checks it: the method on the route's path (under `/api/v1`). */
export interface OpsWrite {
  method: string;
  resource: string;
  /** A protectable action (e.g. `SCHEDULE_ENVIRONMENT` for schedule changes): refused to everyone when the type protects it. */
  protectedAction?: string;
}

/**
 * The one path of every ops change: the environment must exist (NotFoundError); the actor needs `write` for the
 * environment's owning cluster and type (ForbiddenError, SPEC §9 "environments and schedules"); then the record is
 * read, `change` applied to its value, and the result written at the version read, audited with the actor and
 * request id. A concurrent write to the record (VersionConflictError, or AlreadyExistsError when both create it)
 * makes it read and apply again, so no other field's change is lost. A change that changes nothing writes nothing.
 */
export async function changeEnvironmentOps(
  deps: ConfigDeps,
  ctx: RequestContext,
  cmd: { environment: string; write: OpsWrite; change: (value: OpsRecordValue, at: string) => OpsRecordValue },
): Promise<EnvironmentOps> {
  const env = await environmentOrThrow(deps.store, cmd.environment);
  await authorizeOpsWrite(deps.store, ctx, env, cmd.write);
  for (let attempt = 1; ; attempt++) {
    const context = changeContext(deps, ctx);
    const current = await deps.store.get(OPS, env.key);
    const before = opsValueOf(current?.data);
    const after = cmd.change(before, context.at);
    if (current && jsonEqual(before, after)) return toEnvironmentOps(env.key, current);
    if (!current && jsonEqual(after, {})) return toEnvironmentOps(env.key, undefined);
    const data = opsRecordData(env.key, after);
    const problems = opsRecordRules(data);
    if (problems.length) throw new ValidationError(problems);
    const write: ConfigChange = current
      ? { op: 'update', type: OPS, key: env.key, data, expectedVersion: current.version, ...itemFacts(OPS, data) }
      : { op: 'create', type: OPS, key: env.key, data, ...itemFacts(OPS, data) };
    try {
      const { items } = await deps.store.commit([write], context);
      return toEnvironmentOps(env.key, items[0]);
    } catch (err) {
      const raced = err instanceof VersionConflictError || err instanceof AlreadyExistsError;
      if (!raced || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}

async function authorizeOpsWrite(store: ConfigStore, ctx: RequestContext, env: ConfigItem, write: OpsWrite): Promise<void> {
  const cluster = stringAt(env.data, 'Value.OwningCluster');
  const typeName = stringAt(env.data, 'Value.EnvironmentType');
  const protectedAction =
    write.protectedAction && typeName
      ? { action: write.protectedAction, environmentType: typeName, protectedActions: protectedActionsOf((await store.get('environment-types', typeName))?.data) }
      : undefined;
  requirePermission(ctx.actor, {
    method: write.method,
    resource: write.resource,
    clusters: cluster ? [cluster] : [],
    environmentTypes: typeName ? [typeName] : [],
    ...(protectedAction ? { protectedAction } : {}),
  });
}

function checkReason(reason: string | undefined): void {
  if (reason !== undefined && reason.length > OPS_REASON_MAX) {
    throw new ValidationError([{ path: 'reason', message: `must be text of at most ${OPS_REASON_MAX} characters; got ${reason.length}` }]);
  }
}

function opsChange(ctx: RequestContext, at: string, reason: string | undefined): OpsChange {
  return { by: ctx.actor.name, at, ...(reason !== undefined && reason !== '' ? { reason } : {}) };
}

/** The path under `/api/v1` of an environment's ops route, e.g. `/environments/c50/deploy-lock`. */
export function environmentOpsResource(environment: string, what: 'deploy-lock' | 'maintenance' | 'schedule' | 'schedule-override'): string {
  return `/environments/${environment}/${what}`;
}

/**
 * Locks deployments to an environment (PUT on `/environments/<env>/deploy-lock`). Locking a locked environment keeps
 * who locked it and when, and replaces the reason when one is given. Throws NotFoundError, ForbiddenError, ValidationError.
 */
export async function lockDeployments(deps: ConfigDeps, ctx: RequestContext, cmd: { environment: string; reason?: string | undefined }): Promise<EnvironmentOps> {
  checkReason(cmd.reason);
  return changeEnvironmentOps(deps, ctx, {
    environment: cmd.environment,
    write: { method: 'PUT', resource: environmentOpsResource(cmd.environment, 'deploy-lock') },
    change: (value, at) => lockDeploymentsValue(value, opsChange(ctx, at, cmd.reason)),
  });
}

/** Unlocks deployments (DELETE on `/environments/<env>/deploy-lock`); unlocking an unlocked environment changes nothing. */
export async function unlockDeployments(deps: ConfigDeps, ctx: RequestContext, cmd: { environment: string }): Promise<EnvironmentOps> {
  return changeEnvironmentOps(deps, ctx, {
    environment: cmd.environment,
    write: { method: 'DELETE', resource: environmentOpsResource(cmd.environment, 'deploy-lock') },
    change: (value) => unlockDeploymentsValue(value),
  });
}

/**
 * Puts an environment in maintenance or takes it out (PUT on `/environments/<env>/maintenance`), with the same rule
 * as locks for one already in maintenance; a reason given when taking it out is not kept.
 */
export async function setMaintenance(
  deps: ConfigDeps,
  ctx: RequestContext,
  cmd: { environment: string; inMaintenance: boolean; reason?: string | undefined },
): Promise<EnvironmentOps> {
  checkReason(cmd.reason);
  return changeEnvironmentOps(deps, ctx, {
    environment: cmd.environment,
    write: { method: 'PUT', resource: environmentOpsResource(cmd.environment, 'maintenance') },
    change: (value, at) => maintenanceValue(value, cmd.inMaintenance, opsChange(ctx, at, cmd.reason)),
  });
}
