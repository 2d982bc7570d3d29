import { isActionProtected, opsValueOf, stringAt, type OpsScheduleOverride, type PlanEnvironment, type ScheduleOverride } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';
import { listAll } from '../config/export-config.js';

/** The domain's reading of a stored override (an unreadable `Until` never counts). */
export function toScheduleOverride(o: OpsScheduleOverride): ScheduleOverride {
  const untilMs = Date.parse(o.Until);
  return { state: o.State, untilMs: Number.isFinite(untilMs) ? untilMs : 0, by: o.By, ...(o.Reason !== undefined ? { reason: o.Reason } : {}) };
}

/**
 * Every configured environment as the scheduler sees it: its schedule settings, maintenance and override from its
 * ops record, its owning cluster and type, and whether its type protects `IGNORE_ASG_INSTANCES`. Three listings,
 * whatever the number of instances.
 */
export async function readScheduleEnvironments(store: ConfigStore): Promise<Map<string, PlanEnvironment>> {
  const [environments, ops, types] = await Promise.all([listAll(store, 'environments'), listAll(store, 'environment-ops'), listAll(store, 'environment-types')]);
  const opsByName = new Map(ops.map((o) => [o.key, opsValueOf(o.data)]));
  const typeByName = new Map(types.map((t) => [t.key, t.data]));
  const out = new Map<string, PlanEnvironment>();
  for (const env of environments) {
    const v = opsByName.get(env.key) ?? {};
    const type = stringAt(env.data, 'Value.EnvironmentType');
    out.set(env.key, {
      name: env.key,
      cluster: stringAt(env.data, 'Value.OwningCluster'),
      environmentType: type,
      inMaintenance: v.EnvironmentInMaintenance === true,
      manualScheduleUp: v.ManualScheduleUp === true,
      scheduleAutomatically: v.ScheduleAutomatically === true,
      ...(v.DefaultSchedule !== undefined ? { defaultSchedule: v.DefaultSchedule } : {}),
      ignoreGroupInstances: isActionProtected(type ? typeByName.get(type) : undefined, 'IGNORE_ASG_INSTANCES'),
      ...(v.ScheduleOverride ? { override: toScheduleOverride(v.ScheduleOverride) } : {}),
    });
  }
  return out;
}
