import { stringAt, toDomainEvent, type BusEvent } from '@envmgr/domain';
import type { StoredEvent } from '@envmgr/ports';
import type { NotificationDeps } from './notification-deps.js';

/**
 * Appends a bus event to the event log when it is a domain event (`toDomainEvent`), with the environment's owning
 * cluster added to its subject so that cluster filters work. Returns undefined when it is not one, or when an event
 * with its id is stored already (the same fact told twice).
 */
export async function recordEvent(deps: Pick<NotificationDeps, 'store' | 'config' | 'clock' | 'ids'>, e: BusEvent & { at?: string }): Promise<StoredEvent | undefined> {
  const draft = toDomainEvent(e);
  if (!draft) return undefined;
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
    at: e.at ?? new Date(deps.clock.now()).toISOString(),
    actor: draft.actor,
    subject,
    payload: draft.payload,
  });
}
