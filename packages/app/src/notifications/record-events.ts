import { stringAt, toDomainEvent, type BusEvent, type DomainEventDraft } from '@envmgr/domain';
import type { StoredEvent } from '@envmgr/ports';
import type { NotificationDeps } from './notification-deps.js';

type RecordDeps = Pick<NotificationDeps, 'store' | 'config' | 'clock' | 'ids'>;

/**
 * Appends a bus event to the event log when it is a domain event (`toDomainEvent`), with the environment's owning
 * cluster added to its subject so that cluster filters work. Returns undefined when it is not one, or when an event
 * with its id is stored already (the same fact told twice).
 */
export async function recordEvent(deps: RecordDeps, e: BusEvent & { at?: string }): Promise<StoredEvent | undefined> {
  const draft = toDomainEvent(e);
  return draft ? appendDraft(deps, draft, e.at) : undefined;
}

/** Appends a domain event (from the bus, the config audit or the scheduler's log), its cluster added from config. */
export async function appendDraft(deps: RecordDeps, draft: DomainEventDraft, at?: string): Promise<StoredEvent | undefined> {
  const subject = { ...draft.subject };
  const environment = subject['environment'];
  if (environment !== undefined && subject['cluster'] === undefined) {
    const env = await deps.config.get('environments', environment);
    const cluster = env ? stringAt(env.data, 'Value.OwningCluster') : undefined;
    if (cluster) subject['cluster'] = cluster;
  }
  return deps.store.appendEvent({
    id: draft.id ?? deps.ids.next(),
    type: draft.type,
    at: at ?? new Date(deps.clock.now()).toISOString(),
    actor: draft.actor,
    subject,
    payload: draft.payload,
  });
}
