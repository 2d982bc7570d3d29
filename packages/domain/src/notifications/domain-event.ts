import type { JsonObject } from '../json.js';

/** A published event as the in-process bus carries it (the fields this mapping reads). */
export interface BusEvent {
  type: string;
  subject: Record<string, string>;
  data: JsonObject;
}

/** An event as notifications keep it: a stable type, an id that is the same when the same thing is told twice. */
export interface DomainEventDraft {
  /** Stable for the fact: a deployment fails once, so every report of its failure has the same id. */
  id?: string | undefined;
  type: string;
  actor: string;
  subject: Record<string, string>;
  payload: JsonObject;
}

/** The event types notifications know (docs/notifications.md). */
export const DOMAIN_EVENT_TYPES = [
  'deployment.requested', 'deployment.succeeded', 'deployment.failed', 'deployment.cancelled',
  'traffic.toggled', 'instance.maintenance', 'asg.resized', 'asg.deleted', 'target-state.deleted',
  'environment.locked', 'environment.unlocked', 'environment.maintenance-on', 'environment.maintenance-off',
  'schedule.action', 'config.changed',
] as const;

const DEPLOYMENT_OUTCOMES = new Set(['requested', 'succeeded', 'failed', 'cancelled']);
const PASSED_THROUGH = new Set(['traffic.toggled', 'instance.maintenance', 'asg.resized', 'asg.deleted', 'target-state.deleted']);

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * Turns a bus event into a domain event, or undefined when it is not one people are told about: a deployment's
 * progress updates map only at `requested` and its end states; `config.changed` on the bus is the edge router's
 * signal (configuration changes come from the audit chain instead).
 */
export function toDomainEvent(e: BusEvent): DomainEventDraft | undefined {
  if (e.type === 'deployment.updated') {
    const status = text(e.data['status']);
    const id = text(e.data['id']);
    if (!status || !id || !DEPLOYMENT_OUTCOMES.has(status)) return undefined;
    const actor = status === 'requested' ? (text(e.data['user']) ?? 'unknown') : 'system:deployment-driver';
    return { id: `deployment.${status}:${id}`, type: `deployment.${status}`, actor, subject: { ...e.subject }, payload: e.data };
  }
  if (PASSED_THROUGH.has(e.type)) return { type: e.type, actor: text(e.data['actor']) ?? 'system', subject: { ...e.subject }, payload: e.data };
  return undefined;
}
