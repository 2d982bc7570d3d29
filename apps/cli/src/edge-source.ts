import { createSseParser, type EnvMgrClient, type StreamFetchLike } from '@envmgr/api-contract';
import type { JsonObject, NginxSource } from '@envmgr/domain';
import { UsageError } from './failure.js';

/**
 * The LB settings and upstreams of a load-balancer group (SPEC §7: the environment type's), read through the API:
 * the environments of that type, then each one's LB settings and upstreams. `environment` narrows it to one of them.
 */
export async function readGroup(client: EnvMgrClient, group: string, environment?: string): Promise<NginxSource> {
  const environments: string[] = [];
  for await (const e of client.listAll('environments', { filters: { environmentType: group } })) environments.push(e.EnvironmentName);
  const chosen = environment === undefined ? environments : environments.filter((e) => e.toLowerCase() === environment.toLowerCase());
  if (environment !== undefined && chosen.length === 0) {
    throw new UsageError(`environment '${environment}' is not of type '${group}' (its load-balancer group); its type's environments: ${environments.join(', ') || 'none'}`);
  }
  const lbSettings: JsonObject[] = [];
  const upstreams: JsonObject[] = [];
  for (const env of chosen) {
    // items are plain JSON as the server sent them; the renderer reads them field by field
    for await (const s of client.listAll('lb-settings', { filters: { environment: env } })) lbSettings.push(s);
    for await (const u of client.listAll('upstreams', { filters: { environment: env } })) upstreams.push(u);
  }
  return { group, lbSettings, upstreams };
}

/** Events after which the rendering may differ: a commit of LB settings, upstreams, environments or types, a toggle. */
const WAKING_EVENTS = new Set(['config.changed', 'traffic.toggled']);

export interface ChangeFeed {
  /** Resolves when a change was announced since the last call, after `ms`, or when closed, whichever is first. */
  wait(ms: number): Promise<void>;
  /** True while the event stream is open. */
  isStreaming(): boolean;
  close(): void;
}

export interface ChangeFeedOptions {
  fetch: StreamFetchLike;
  /** The server's base URL. */
  server: string;
  headers: Record<string, string>;
  /** Told when the stream opens or drops, for the log. */
  onState?: (state: 'open' | 'dropped', detail: string) => void;
  /** @default 1000; doubles up to 30 s while the stream cannot be opened. */
  reconnectMs?: number;
}

/**
 * Follows `GET /api/v1/events` (server-sent events) and wakes the waiter on changes; it reconnects with back-off
 * when the stream drops. Each (re)connection also wakes it, since changes made while it was not listening are
 * otherwise unseen. Without a stream the waiter simply waits its time out: the caller polls.
 */
export function followChanges(opts: ChangeFeedOptions): ChangeFeed {
  const controller = new AbortController();
  let pending = false;
  let streaming = false;
  let wake: (() => void) | undefined;
  const trigger = () => {
    pending = true;
    wake?.();
  };
  void (async () => {
    for (let delay = opts.reconnectMs ?? 1000; !controller.signal.aborted; delay = Math.min(delay * 2, 30_000)) {
      const detail = await stream(opts, controller.signal, () => {
        streaming = true;
        delay = opts.reconnectMs ?? 1000;
        opts.onState?.('open', '');
        trigger();
      }, (event) => WAKING_EVENTS.has(event) && trigger()).catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
      if (controller.signal.aborted) break;
      if (streaming) opts.onState?.('dropped', detail);
      streaming = false;
      await new Promise((r) => setTimeout(r, delay));
    }
  })();
  return {
    async wait(ms) {
      if (!pending && !controller.signal.aborted) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, ms);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
      wake = undefined;
      pending = false;
    },
    isStreaming: () => streaming,
    close() {
      controller.abort();
      wake?.();
    },
  };
}

/** One connection: resolves with why it ended. */
async function stream(opts: ChangeFeedOptions, signal: AbortSignal, onReady: () => void, onEvent: (type: string) => void): Promise<string> {
  const res = await opts.fetch(`${opts.server}/api/v1/events`, { method: 'GET', headers: { ...opts.headers, accept: 'text/event-stream' }, signal });
  if (!res.ok) return `GET /api/v1/events answered ${res.status}`;
  const body = res.body as AsyncIterable<Uint8Array> | undefined;
  if (!body || !(Symbol.asyncIterator in body)) return 'GET /api/v1/events sent no stream';
  const parser = createSseParser();
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    for (const m of parser.push(decoder.decode(chunk, { stream: true }))) {
      if (m.event === 'ready') onReady();
      else onEvent(m.event);
    }
  }
  return 'the server closed the stream';
}
