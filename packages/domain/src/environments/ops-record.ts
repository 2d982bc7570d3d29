import type { FieldProblem } from '../errors.js';
import { isJsonObject, type JsonObject } from '../json.js';

/** The longest reason a deploy lock or maintenance mode may carry, in characters (the API contract says the same). */
export const OPS_REASON_MAX = 500;

/** Who set a flag of the ops record, when (ISO 8601 UTC) and why. */
export interface OpsMark {
  By: string;
  At: string;
  Reason?: string;
}

/**
 * A temporary schedule for the whole environment (ours, not EM's): `State` on or off until `Until` (ISO 8601 UTC),
 * set by `By` at `At`. It stops counting at `Until` without anyone changing the record; see docs/scheduling.md.
 */
export interface OpsScheduleOverride {
  State: 'on' | 'off';
  Until: string;
  By: string;
  At: string;
  Reason?: string;
}

/**
 * The `Value` of an environment's ops record (EM's InfraOpsEnvironment, SPEC §3.3). Every field is optional: an
 * absent flag is false, an absent mark is none, and an environment without a stored record has all defaults.
 * `DeploymentLock` and `Maintenance` say who set `DeploymentsLocked` and `EnvironmentInMaintenance`; EM had no such
 * fields, so a record imported from EM may have a flag set without its mark.
 */
export interface OpsRecordValue {
  ManualScheduleUp?: boolean;
  ScheduleAutomatically?: boolean;
  DefaultSchedule?: string;
  DeploymentsLocked?: boolean;
  EnvironmentInMaintenance?: boolean;
  DeploymentLock?: OpsMark;
  Maintenance?: OpsMark;
  ScheduleOverride?: OpsScheduleOverride;
}

/** What changes a flag: the actor's name, the time (ISO 8601 UTC), and an optional reason. */
export interface OpsChange {
  by: string;
  at: string;
  reason?: string | undefined;
}

function markOf(v: unknown): OpsMark | undefined {
  if (!isJsonObject(v) || typeof v.By !== 'string' || typeof v.At !== 'string') return undefined;
  return { By: v.By, At: v.At, ...(typeof v.Reason === 'string' ? { Reason: v.Reason } : {}) };
}

function overrideOf(v: unknown): OpsScheduleOverride | undefined {
  const mark = markOf(v);
  if (!mark || !isJsonObject(v) || (v.State !== 'on' && v.State !== 'off') || typeof v.Until !== 'string') return undefined;
  return { State: v.State, Until: v.Until, By: mark.By, At: mark.At, ...(mark.Reason !== undefined ? { Reason: mark.Reason } : {}) };
}

/**
 * The `Value` of a stored ops record's data (`{EnvironmentName, Value}`), keeping only fields of the right type;
 * `undefined` data (no record) gives the defaults, `{}`.
 */
export function opsValueOf(data: JsonObject | undefined): OpsRecordValue {
  const v = data && isJsonObject(data.Value) ? data.Value : {};
  const out: OpsRecordValue = {};
  for (const f of ['ManualScheduleUp', 'ScheduleAutomatically', 'DeploymentsLocked', 'EnvironmentInMaintenance'] as const) {
    const flag = v[f];
    if (typeof flag === 'boolean') out[f] = flag;
  }
  if (typeof v.DefaultSchedule === 'string') out.DefaultSchedule = v.DefaultSchedule;
  const lock = markOf(v.DeploymentLock);
  if (lock) out.DeploymentLock = lock;
  const maintenance = markOf(v.Maintenance);
  if (maintenance) out.Maintenance = maintenance;
  const override = overrideOf(v.ScheduleOverride);
  if (override) out.ScheduleOverride = override;
  return out;
}

const FIELD_ORDER = [
  'ManualScheduleUp',
  'ScheduleAutomatically',
  'DefaultSchedule',
  'DeploymentsLocked',
  'EnvironmentInMaintenance',
  'DeploymentLock',
  'Maintenance',
  'ScheduleOverride',
] as const satisfies readonly (keyof OpsRecordValue)[];

/**
 * The stored data of an ops record: EM's wire shape without `Version`, its fields in the order of the API schema,
 * so that an export and the same export imported again are the same bytes.
 */
export function opsRecordData(environment: string, value: OpsRecordValue): JsonObject {
  const ordered: JsonObject = {};
  for (const f of FIELD_ORDER) {
    const v = value[f];
    if (v !== undefined) ordered[f] = v as JsonObject[string];
  }
  return { EnvironmentName: environment, Value: ordered };
}

function newMark(change: OpsChange): OpsMark {
  return { By: change.by, At: change.at, ...(change.reason !== undefined ? { Reason: change.reason } : {}) };
}

/**
 * Sets a flag with its mark. Setting a flag that is already set keeps who set it and when (that is whom people ask
 * about it), and replaces the reason only when a new one is given; the audit records who changed the reason.
 */
function setMarked(current: OpsMark | undefined, isSet: boolean, change: OpsChange): OpsMark {
  if (!isSet || !current) return newMark(change);
  if (change.reason === undefined) return current;
  return { ...current, Reason: change.reason };
}

/** Locks deployments (see {@link setMarked} for a lock that is already in place). */
export function lockDeploymentsValue(value: OpsRecordValue, change: OpsChange): OpsRecordValue {
  return { ...value, DeploymentsLocked: true, DeploymentLock: setMarked(value.DeploymentLock, value.DeploymentsLocked === true, change) };
}

/** Unlocks deployments and forgets who locked them (the audit keeps it). An unlocked environment is left as it is. */
export function unlockDeploymentsValue(value: OpsRecordValue): OpsRecordValue {
  if (value.DeploymentsLocked !== true && !value.DeploymentLock) return value;
  const { DeploymentLock: _dropped, ...rest } = value;
  return { ...rest, DeploymentsLocked: false };
}

/**
 * Puts the environment in maintenance (like a lock when it already is), or takes it out and forgets the mark (an
 * environment out of maintenance is left as it is; a reason given then is not kept).
 */
export function maintenanceValue(value: OpsRecordValue, inMaintenance: boolean, change: OpsChange): OpsRecordValue {
  if (!inMaintenance) {
    if (value.EnvironmentInMaintenance !== true && !value.Maintenance) return value;
    const { Maintenance: _dropped, ...rest } = value;
    return { ...rest, EnvironmentInMaintenance: false };
  }
  return { ...value, EnvironmentInMaintenance: true, Maintenance: setMarked(value.Maintenance, value.EnvironmentInMaintenance === true, change) };
}

/** A mark only makes sense while its flag is set: a record that says who locked an unlocked environment is refused. */
export function opsRecordRules(data: JsonObject): FieldProblem[] {
  const v = opsValueOf(data);
  const problems: FieldProblem[] = [];
  if (v.DeploymentLock && v.DeploymentsLocked !== true) {
    problems.push({ path: 'Value.DeploymentLock', message: 'is only allowed while DeploymentsLocked is true; remove it, or set DeploymentsLocked' });
  }
  if (v.Maintenance && v.EnvironmentInMaintenance !== true) {
    problems.push({ path: 'Value.Maintenance', message: 'is only allowed while EnvironmentInMaintenance is true; remove it, or set EnvironmentInMaintenance' });
  }
  return problems;
}

/** The `ProtectedActions` of an environment type's data (none when it has none, or there is no type). */
export function protectedActionsOf(environmentType: JsonObject | undefined): string[] {
  const list = environmentType && isJsonObject(environmentType.Value) ? environmentType.Value.ProtectedActions : undefined;
  return Array.isArray(list) ? list.filter((a): a is string => typeof a === 'string') : [];
}

/** Whether an environment type's `ProtectedActions` name `action` (compared case-insensitively, SPEC §9). */
export function isActionProtected(environmentType: JsonObject | undefined, action: string): boolean {
  return protectedActionsOf(environmentType).some((a) => a.toUpperCase() === action.toUpperCase());
}
