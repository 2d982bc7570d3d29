import type { AuditRecord } from '../audit/audit-record.js';
import { isJsonObject, type JsonObject } from '../json.js';
import type { DomainEventDraft } from './domain-event.js';

const OPS = 'environment-ops';

function valueOf(data: JsonObject | null): JsonObject {
  const v = data?.['Value'];
  return isJsonObject(v) ? v : {};
}

function reasonOf(value: JsonObject, mark: string): JsonObject {
  const m = value[mark];
  return isJsonObject(m) && typeof m['Reason'] === 'string' ? { reason: m['Reason'] } : {};
}

/**
 * The events one audited configuration write stands for. An environment's ops record yields
 * `environment.locked`/`unlocked` and `environment.maintenance-on`/`off` when those flags flip; every other write
 * is a `config.changed` (without the item's values: subscribers read the audit for the diff). Ids derive from the
 * audit position, so the same record always makes the same events.
 */
export function auditRecordEvents(r: AuditRecord): DomainEventDraft[] {
  const base = { actor: r.actor };
  const common = { auditSeq: r.seq, requestId: r.requestId, at: r.at };
  if (r.entityType !== OPS) {
    const subject: Record<string, string> = r.entityType === 'environments' ? { environment: r.key } : {};
    return [{ ...base, id: `config.changed:${r.seq}`, type: 'config.changed', subject, payload: { ...common, entityType: r.entityType, key: r.key, changeType: r.changeType, version: r.version } }];
  }
  const before = valueOf(r.before);
  const after = valueOf(r.after);
  const subject = { environment: r.key };
  const out: DomainEventDraft[] = [];
  if (Boolean(before['DeploymentsLocked']) !== Boolean(after['DeploymentsLocked'])) {
    const type = after['DeploymentsLocked'] ? 'environment.locked' : 'environment.unlocked';
    out.push({ ...base, id: `${type}:${r.seq}`, type, subject, payload: { ...common, environment: r.key, ...reasonOf(after, 'DeploymentLock') } });
  }
  if (Boolean(before['EnvironmentInMaintenance']) !== Boolean(after['EnvironmentInMaintenance'])) {
    const type = after['EnvironmentInMaintenance'] ? 'environment.maintenance-on' : 'environment.maintenance-off';
    out.push({ ...base, id: `${type}:${r.seq}`, type, subject, payload: { ...common, environment: r.key, ...reasonOf(after, 'Maintenance') } });
  }
  return out;
}

/** The fields of a scheduler action record that its event carries (ports' `ScheduleActionRecord`). */
export interface ScheduleActionFacts {
  id: string;
  atMs: number;
  actor: string;
  account: string;
  subject: string;
  instanceId?: string | undefined;
  group?: string | undefined;
  environment: string;
  cluster?: string | undefined;
  action: string;
  outcome: 'done' | 'failed';
  instances: number;
  schedule: string;
  reason: string;
  error?: string | undefined;
}

/** A scheduler action as the `schedule.action` event, with the same id however often it is read. */
export function scheduleActionEvent(a: ScheduleActionFacts): DomainEventDraft {
  const subject: Record<string, string> = { environment: a.environment };
  if (a.cluster !== undefined) subject['cluster'] = a.cluster;
  if (a.group !== undefined) subject['group'] = a.group;
  if (a.instanceId !== undefined) subject['instance'] = a.instanceId;
  return {
    id: `schedule.action:${a.id}`,
    type: 'schedule.action',
    actor: a.actor,
    subject,
    payload: {
      action: a.action, outcome: a.outcome, instances: a.instances, account: a.account, target: a.subject, schedule: a.schedule, reason: a.reason,
      ...(a.error !== undefined ? { error: a.error } : {}),
    },
  };
}

/** EM's SNS topics (SPEC §5, §10): which one an event type goes to, or undefined for none. */
export const SNS_TOPICS = {
  deployments: 'DeploymentComplete',
  configuration: 'EnvironmentManagerConfigurationChange',
  operations: 'EnvironmentManagerOperationsChange',
} as const;

const OPERATIONS = new Set(['traffic.toggled', 'instance.maintenance', 'asg.resized', 'asg.deleted', 'target-state.deleted', 'schedule.action']);

export function snsTopicOf(eventType: string): string | undefined {
  if (['deployment.succeeded', 'deployment.failed', 'deployment.cancelled'].includes(eventType)) return SNS_TOPICS.deployments;
  if (eventType === 'config.changed') return SNS_TOPICS.configuration;
  if (eventType.startsWith('environment.') || OPERATIONS.has(eventType)) return SNS_TOPICS.operations;
  return undefined;
}
