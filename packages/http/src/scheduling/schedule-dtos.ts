import type { ScheduleActionDto, ScheduleOverrideDto, ScheduleSettingsDto } from '@envmgr/api-contract';
import { isScheduleOverrideActive, type EnvironmentOps } from '@envmgr/app';
import type { PlannedInstance } from '@envmgr/domain';

export function toScheduleOverrideDto(o: EnvironmentOps['scheduleOverride'], nowMs: number): ScheduleOverrideDto | undefined {
  if (!o) return undefined;
  return { state: o.state, until: o.until, setBy: o.by, setAt: o.at, ...(o.reason !== undefined ? { reason: o.reason } : {}), active: isScheduleOverrideActive(o, nowMs) };
}

export function toScheduleSettingsDto(ops: EnvironmentOps, nowMs: number): ScheduleSettingsDto {
  const override = toScheduleOverrideDto(ops.scheduleOverride, nowMs);
  return {
    environment: ops.environment,
    manualScheduleUp: ops.manualScheduleUp,
    scheduleAutomatically: ops.scheduleAutomatically,
    ...(ops.defaultSchedule !== undefined ? { defaultSchedule: ops.defaultSchedule } : {}),
    ...(override ? { override } : {}),
    ...(ops.version !== undefined ? { version: ops.version } : {}),
  };
}

/** EM's runner shape, `{action: {action, reason, source}, instance: {id, name, role, environment, asg?}}`, plus ours. */
export function toScheduleActionDto(p: PlannedInstance): ScheduleActionDto {
  const d = p.decision;
  const opt = <K extends string, V>(key: K, value: V | undefined) => (value !== undefined ? ({ [key]: value } as Record<K, V>) : {});
  return {
    action: { action: d.action, reason: d.reason, ...opt('source', d.source), ...opt('schedule', d.schedule), ...opt('skipCode', d.skipCode) },
    instance: {
      id: p.instance.id,
      name: p.instance.name,
      ...opt('role', p.role),
      environment: p.environment,
      ...opt('environmentType', p.environmentType),
      ...opt('cluster', p.cluster),
      account: p.account,
      ...opt('asg', p.group),
      state: p.instance.state,
      ...opt('lifecycleState', p.instance.lifecycleState),
    },
  };
}

/** Hours to 2 decimals, as reports show them. */
export const roundHours = (h: number): number => Math.round(h * 100) / 100;
