import type { JsonObject } from '@envmgr/domain';

/**
 * Something that happened in EM that others may follow: the web UI and the CLI (server-sent events), subscribers
 * (notifications). `type` is dotted, e.g. `deployment.updated`; `subject` names what it is about.
 */
export interface EmEvent {
  /** Unique and increasing within one bus, so that a reconnecting SSE client can ask for what it missed. */
  id: string;
  type: string;
  /** ISO 8601 UTC. */
  at: string;
  /** What the event is about, for filtering: e.g. `{ environment: 'dev1', service: 'Hello', deployment: '…' }`. */
  subject: Record<string, string>;
  data: JsonObject;
}

/** The fields a publisher gives; the bus adds `id` and `at`. */
export type NewEmEvent = Omit<EmEvent, 'id' | 'at'>;

/**
 * Delivers events to subscribers in publish order, at most once, without blocking the publisher: a slow or failing
 * subscriber never delays or fails a publish.
 */
export interface EventBus {
  publish(event: NewEmEvent): EmEvent;
  /** Calls `handler` with every later event; returns the function that stops it. */
  subscribe(handler: (event: EmEvent) => void): () => void;
  /** Events after `afterId` still kept (a bounded buffer), oldest first; all kept ones when `afterId` is unknown. */
  since(afterId: string | undefined): EmEvent[];
}
