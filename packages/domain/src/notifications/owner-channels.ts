import type { JsonObject } from '../json.js';
import type { NotificationTargets } from './ownership.js';

/** The webhook endpoints of notification settings (SPEC §3.10) besides email. */
export type OwnerChannelKind = 'chat' | 'paging' | 'ticketing';
export const OWNER_CHANNEL_KINDS: readonly OwnerChannelKind[] = ['chat', 'paging', 'ticketing'];

/** Notification settings with their id (`NotificationSettingsId`). */
export interface OwnerSettings {
  id: string;
  targets: NotificationTargets;
}

/** What the owners' endpoints of an event are worked out from, looked up beforehand. */
export interface ChannelOwnershipFacts {
  /** The environment's `AlertSettings`: EnvironmentOwner | ServiceOwner | ContactEmailTag | Custom. */
  alertSettings?: string | undefined;
  /** The notification settings the environment names itself. */
  environment?: OwnerSettings | undefined;
  /** The notification settings of the environment's owning cluster (the environment owner). */
  cluster?: OwnerSettings | undefined;
  /** The notification settings of the service's owning cluster (ServiceOwner). */
  serviceCluster?: OwnerSettings | undefined;
}

/** One endpoint an event goes to, and the notification settings that named it. */
export interface OwnerEndpoint {
  kind: OwnerChannelKind;
  url: string;
  settingsId: string;
}

/** The endpoints of one kind that notification settings name (`Ticketing` is a single URL in SPEC §3.10). */
export function endpointsOf(t: NotificationTargets | undefined, kind: OwnerChannelKind): string[] {
  const list = kind === 'chat' ? t?.ChatChannel : kind === 'paging' ? t?.Paging : t?.Ticketing ? [t.Ticketing] : [];
  return [...new Set((list ?? []).map((u) => u.trim()).filter((u) => u !== ''))];
}

/**
 * The owners' chat, paging and ticketing endpoints of an event, by the environment's AlertSettings, as for email
 * (`ownerEmails`): the owning cluster's settings for EnvironmentOwner (and ContactEmailTag, a contact being an
 * address only), the service's cluster for ServiceOwner, the environment's own for Custom, and without AlertSettings
 * the environment's own when they name that kind of endpoint. Each kind falls back to the environment owner.
 */
export function ownerEndpoints(f: ChannelOwnershipFacts): OwnerEndpoint[] {
  const out: OwnerEndpoint[] = [];
  for (const kind of OWNER_CHANNEL_KINDS) {
    const has = (s: OwnerSettings | undefined): s is OwnerSettings => endpointsOf(s?.targets, kind).length > 0;
    const preferred = f.alertSettings === 'ServiceOwner' ? f.serviceCluster : f.alertSettings === 'Custom' || f.alertSettings === undefined ? f.environment : f.cluster;
    const chosen = has(preferred) ? preferred : has(f.cluster) ? f.cluster : undefined;
    for (const url of chosen ? endpointsOf(chosen.targets, kind) : []) out.push({ kind, url, settingsId: chosen?.id ?? '' });
  }
  return out;
}

const CHAT_EVENTS = new Set([
  'deployment.succeeded', 'deployment.failed', 'deployment.cancelled', 'traffic.toggled',
  'environment.locked', 'environment.unlocked', 'environment.maintenance-on', 'environment.maintenance-off',
]);

const failed = (e: { type: string; payload: JsonObject }) => e.type === 'deployment.failed' || (e.type === 'schedule.action' && e.payload['outcome'] === 'failed');

/**
 * Which events owners' endpoints get without any subscription: chat hears what a team wants to see go by (deployments
 * ending, traffic moving, locks and maintenance, a scheduler action that failed); paging and ticketing only what
 * needs someone to act (a failed deployment or scheduler action).
 */
export function ownerChannelWants(kind: OwnerChannelKind, event: { type: string; payload: JsonObject }): boolean {
  if (kind === 'chat') return CHAT_EVENTS.has(event.type) || failed(event);
  return failed(event);
}

/** FNV-1a, 64-bit, as hex: a stable name for an endpoint that does not show its URL (which holds a token). */
function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  // over UTF-16 code units: stable for a given URL, which is all a queue name needs
  for (let i = 0; i < text.length; i++) h = BigInt.asUintN(64, (h ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}

const OWNER_QUEUE = /^owner-(chat|paging|ticketing)-[0-9a-f]{16}$/;

/**
 * The delivery queue of an owner endpoint, in place of a subscription id: one per endpoint, so that its events go in
 * order, one at a time, like a subscription's; named by a hash, so that delivery lists never show the URL.
 */
export function ownerQueueId(kind: OwnerChannelKind, url: string): string {
  return `owner-${kind}-${fnv1a64(url)}`;
}

/** The kind of an owner endpoint's queue id, or undefined when the id is a subscription's. */
export function ownerQueueKind(queueId: string): OwnerChannelKind | undefined {
  const m = OWNER_QUEUE.exec(queueId);
  return m ? (m[1] as OwnerChannelKind) : undefined;
}

/** What a chat incoming webhook gets: `{ "text": … }`, which Slack, Teams, Mattermost and Google Chat all accept. */
export function chatMessage(e: { id: string; type: string; at: string; actor: string; subject: Record<string, string>; payload: JsonObject }): { text: string } {
  const about = ['environment', 'service'].map((k) => e.subject[k]).filter((v): v is string => v !== undefined);
  const str = (k: string) => {
    const v = e.payload[k];
    return typeof v === 'string' ? v : undefined;
  };
  const version = str('version');
  const lines = [`[Environment Manager] ${e.type}${about.length ? `: ${[...about, ...(version ? [version] : [])].join(' ')}` : ''}`];
  const reason = str('reason');
  if (reason) lines.push(`reason: ${reason}`);
  const deployment = e.subject['deployment'];
  lines.push(`by ${e.actor} at ${e.at}${deployment ? `, deployment ${deployment}` : ''} (event ${e.id})`);
  return { text: lines.join('\n') };
}
