import {
  chatMessage,
  checkWebhookUrl,
  endpointsOf,
  ownerChannelWants,
  ownerEndpoints,
  ownerQueueId,
  ownerQueueKind,
  stringAt,
  type OwnerEndpoint,
  type OwnerSettings,
} from '@envmgr/domain';
import type { ConfigStore, DeliveryRecord, NewDelivery, StoredEvent } from '@envmgr/ports';
import type { NotificationDeps } from './notification-deps.js';
import { settings } from './owners.js';

async function ownerSettings(config: ConfigStore, id: string | undefined): Promise<OwnerSettings | undefined> {
  const targets = id ? await settings(config, id) : undefined;
  return id && targets ? { id, targets } : undefined;
}

/**
 * The chat, paging and ticketing endpoints that own an event's environment (SPEC §3.3, §3.4, §3.10): from its
 * AlertSettings and the notification settings of the environment, its owning cluster, or the service's cluster.
 */
export async function ownerEndpointsOf(config: ConfigStore, subject: Record<string, string>): Promise<OwnerEndpoint[]> {
  const env = subject['environment'] ? await config.get('environments', subject['environment']) : undefined;
  if (!env) return [];
  const clusterName = stringAt(env.data, 'Value.OwningCluster');
  const cluster = clusterName ? await config.get('clusters', clusterName) : undefined;
  const alertSettings = stringAt(env.data, 'Value.AlertSettings');
  let serviceCluster: OwnerSettings | undefined;
  if (alertSettings === 'ServiceOwner' && subject['service']) {
    const services = await config.list('services', { limit: 1000 });
    const svc = services.find((s) => stringAt(s.data, 'ServiceName')?.toLowerCase() === subject['service']?.toLowerCase());
    const svcClusterName = svc ? stringAt(svc.data, 'OwningCluster') : undefined;
    const svcCluster = svcClusterName ? await config.get('clusters', svcClusterName) : undefined;
    serviceCluster = await ownerSettings(config, svcCluster ? stringAt(svcCluster.data, 'Value.NotificationSettingsId') : undefined);
  }
  return ownerEndpoints({
    alertSettings,
    environment: await ownerSettings(config, stringAt(env.data, 'Value.NotificationSettingsId')),
    cluster: await ownerSettings(config, cluster ? stringAt(cluster.data, 'Value.NotificationSettingsId') : undefined),
    serviceCluster,
  });
}

/** Owner endpoints by environment and service, for one fan-out pass (configuration read once per pair). */
export type OwnerLookup = (subject: Record<string, string>) => Promise<OwnerEndpoint[]>;

export function cachedOwnerLookup(config: ConfigStore): OwnerLookup {
  const cache = new Map<string, Promise<OwnerEndpoint[]>>();
  return (subject) => {
    const key = `${subject['environment'] ?? ''}\u0000${subject['service'] ?? ''}`.toLowerCase();
    let found = cache.get(key);
    if (!found) cache.set(key, (found = ownerEndpointsOf(config, subject)));
    return found;
  };
}

/**
 * The deliveries of an event to its owners' endpoints that want it (`ownerChannelWants`), without any subscription.
 * Each endpoint has its own queue (`ownerQueueId`); a delivery names the notification settings it came from, and
 * the URL is read from them again when it is sent, so that it is never stored or listed with the delivery.
 */
export async function ownerDeliveries(lookup: OwnerLookup, event: StoredEvent, nowMs: number): Promise<NewDelivery[]> {
  if (!event.subject['environment']) return [];
  const out: NewDelivery[] = [];
  for (const ep of await lookup(event.subject)) {
    if (!ownerChannelWants(ep.kind, event)) continue;
    const queue = ownerQueueId(ep.kind, ep.url);
    out.push({
      id: `${String(event.seq).padStart(12, '0')}-${queue}`, subscriptionId: queue, eventSeq: event.seq, eventId: event.id, eventType: event.type,
      recipients: [`notification-settings:${ep.settingsId}`], nextAttemptAtMs: nowMs, createdAtMs: nowMs,
    });
  }
  return out;
}

type SendResult = { ok: true } | { ok: false; error: string; permanent?: boolean };

/**
 * Sends an owner endpoint's delivery: chat gets a `{ text }` message (signed too when an owner signing secret is
 * set; chat services verify by their URL), paging and ticketing get the event as subscribers' webhooks do, signed
 * with the owner signing secret, and are dead-lettered with the reason without one. Undefined when the delivery is
 * not an owner endpoint's.
 */
export async function sendToOwner(
  deps: Pick<NotificationDeps, 'config' | 'webhooks' | 'clock' | 'webhookTimeoutMs' | 'ownerWebhookSecret'>,
  d: DeliveryRecord,
  event: StoredEvent,
  body: (e: StoredEvent) => string,
  headers: Record<string, string>,
): Promise<SendResult | undefined> {
  const kind = ownerQueueKind(d.subscriptionId);
  if (!kind) return undefined;
  const settingsId = (d.recipients?.[0] ?? '').replace(/^notification-settings:/, '');
  const url = endpointsOf(await settings(deps.config, settingsId), kind).find((u) => ownerQueueId(kind, u) === d.subscriptionId);
  if (!url) return { ok: false, error: `the ${kind} endpoint is no longer in notification settings '${settingsId}'`, permanent: true };
  const check = checkWebhookUrl(url);
  if (!check.ok) return { ok: false, error: `the ${kind} endpoint of notification settings '${settingsId}' is refused (${check.reason})`, permanent: true };
  const secret = deps.ownerWebhookSecret ?? '';
  if (kind !== 'chat' && !secret) {
    return { ok: false, error: `${kind} endpoints get signed events, and no owner signing secret is configured (ENVMGR_OWNER_WEBHOOK_SECRET)`, permanent: true };
  }
  const text = kind === 'chat' ? JSON.stringify(chatMessage(event)) : body(event);
  const r = await deps.webhooks.post({ url, body: text, headers, secret, timestampSeconds: Math.floor(deps.clock.now() / 1000), timeoutMs: deps.webhookTimeoutMs });
  return r.ok ? { ok: true } : { ok: false, error: r.error };
}
