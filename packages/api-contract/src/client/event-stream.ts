import type { FetchResponse } from './transport.js';

/** One server-sent event of a `text/event-stream` (HTML Living Standard, "Server-sent events"). */
export interface SseMessage {
  /** The `event:` field; `message` when the event names none. */
  event: string;
  /** The `id:` field of this event, when it had one (what a reconnect sends as `Last-Event-ID`). */
  id: string | undefined;
  /** The `data:` lines, joined by `\n`. */
  data: string;
}

/**
 * An AbortSignal, described structurally because api-contract compiles without the DOM or Node type libraries; the
 * global `AbortController`'s signal satisfies it.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** A fetch whose response may carry a streamed body (a ReadableStream or an async iterable of bytes). */
export type StreamFetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; signal?: AbortSignalLike },
) => Promise<FetchResponse & { readonly body?: unknown }>;

/** The globals this module uses; present in Node 20+ and browsers, but not in the ES library types. */
interface RuntimeGlobals {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  TextDecoder: new () => { decode(input?: Uint8Array, options?: { stream?: boolean }): string };
  AbortController?: new () => { readonly signal: AbortSignalLike; abort(): void };
}
const runtime = globalThis as unknown as RuntimeGlobals;

/** Waits `ms`, or less when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignalLike): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      runtime.clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = runtime.setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Splits `text/event-stream` text, fed in chunks cut anywhere, into events. Comment lines (`: heartbeat`) and
 * `retry:` are skipped; an event without `data:` is not dispatched, as in browsers.
 */
export function createSseParser(): { push(text: string): SseMessage[] } {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;
  const takeLine = (line: string, out: SseMessage[]): void => {
    if (line === '') {
      if (data.length > 0) out.push({ event: event || 'message', id, data: data.join('\n') });
      event = '';
      data = [];
      id = undefined;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const raw = colon < 0 ? '' : line.slice(colon + 1);
    const value = raw.startsWith(' ') ? raw.slice(1) : raw;
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) id = value;
  };
  return {
    push(text) {
      buffer += text;
      const out: SseMessage[] = [];
      for (;;) {
        const end = /\r\n|\r|\n/.exec(buffer);
        // a `\r` that ends the buffer may be the first half of `\r\n`: wait for the next chunk
        if (!end || (end[0] === '\r' && end.index === buffer.length - 1)) break;
        takeLine(buffer.slice(0, end.index), out);
        buffer = buffer.slice(end.index + end[0].length);
      }
      return out;
    },
  };
}

export interface EventStreamRequest {
  url: string;
  headers: Record<string, string>;
  /** Sent as `Last-Event-ID`, so the server first replays what this client missed. */
  lastEventId?: string | undefined;
  /** Aborting it closes the stream; the messages then simply end. */
  signal?: AbortSignalLike | undefined;
  /** The stream counts as dropped after this long without a byte (the server's heartbeats included). */
  idleTimeoutMs: number;
  /** The same for the first bytes, which a server that streams sends at once. @default idleTimeoutMs */
  firstChunkTimeoutMs?: number | undefined;
}

/** An open stream (its messages end when it drops, idles out or is aborted), or why it could not be opened. */
export type OpenedEventStream = { ok: true; messages: AsyncGenerator<SseMessage, void, undefined> } | { ok: false; status: number | undefined };

/**
 * Opens a server-sent event stream with `fetch`. It cannot be opened when there is no answer, a non-2xx answer or an
 * answer that is not `text/event-stream`; none of these throws.
 */
export async function openEventStream(fetch: StreamFetchLike, req: EventStreamRequest): Promise<OpenedEventStream> {
  const controller = runtime.AbortController ? new runtime.AbortController() : undefined;
  const abort = () => controller?.abort();
  req.signal?.addEventListener('abort', abort, { once: true });
  const release = () => {
    req.signal?.removeEventListener('abort', abort);
    abort();
  };
  const headers = { ...req.headers, accept: 'text/event-stream', 'cache-control': 'no-cache', ...(req.lastEventId !== undefined ? { 'last-event-id': req.lastEventId } : {}) };
  let res: Awaited<ReturnType<StreamFetchLike>>;
  try {
    res = await fetch(req.url, { method: 'GET', headers, ...(controller ? { signal: controller.signal } : {}) });
  } catch {
    release();
    return { ok: false, status: undefined };
  }
  if (!res.ok || !(res.headers.get('content-type') ?? '').toLowerCase().includes('text/event-stream')) {
    release();
    return { ok: false, status: res.status };
  }
  return { ok: true, messages: readMessages(res, req, release) };
}

interface Chunks {
  next(): Promise<{ done?: boolean; value?: unknown }>;
  cancel(): void;
}

async function* readMessages(res: FetchResponse & { readonly body?: unknown }, req: EventStreamRequest, release: () => void): AsyncGenerator<SseMessage, void, undefined> {
  const chunks = chunksOf(res);
  const decoder = new runtime.TextDecoder();
  const parser = createSseParser();
  try {
    for (let first = true; ; first = false) {
      const chunk = await nextChunk(chunks, req, first ? (req.firstChunkTimeoutMs ?? req.idleTimeoutMs) : req.idleTimeoutMs);
      if (chunk === undefined) return;
      yield* parser.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    }
  } finally {
    chunks.cancel();
    release();
  }
}

/** The next piece of the body; undefined when it ended, idled out or was aborted. A read error is a drop too. */
async function nextChunk(chunks: Chunks, req: EventStreamRequest, timeoutMs: number): Promise<Uint8Array | string | undefined> {
  if (req.signal?.aborted) return undefined;
  let stop: () => void = () => undefined;
  const stopped = new Promise<undefined>((resolve) => {
    const timer = runtime.setTimeout(() => resolve(undefined), timeoutMs);
    const onAbort = () => resolve(undefined);
    req.signal?.addEventListener('abort', onAbort, { once: true });
    stop = () => {
      runtime.clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    };
  });
  try {
    const read = chunks.next().then((r) => (r.done ? undefined : asChunk(r.value)));
    return await Promise.race([read, stopped]);
  } catch {
    return undefined;
  } finally {
    stop();
  }
}

function asChunk(value: unknown): Uint8Array | string {
  return typeof value === 'string' || value instanceof Uint8Array ? value : '';
}

/** Reads a body as a ReadableStream (browsers, Node), an async iterable, or, lacking both, its whole text at once. */
function chunksOf(res: FetchResponse & { readonly body?: unknown }): Chunks {
  const body = res.body as { getReader?: unknown; [Symbol.asyncIterator]?: unknown } | null | undefined;
  if (body && typeof body.getReader === 'function') {
    const reader = (body as { getReader(): { read(): Promise<{ done?: boolean; value?: unknown }>; cancel(): Promise<void> } }).getReader();
    return { next: () => reader.read(), cancel: () => void reader.cancel().catch(() => undefined) };
  }
  if (body && typeof body[Symbol.asyncIterator] === 'function') {
    const it = (body as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    return { next: () => it.next(), cancel: () => void it.return?.()?.catch(() => undefined) };
  }
  let read = false;
  return {
    next: async () => {
      if (read) return { done: true };
      read = true;
      return { value: await res.text() };
    },
    cancel: () => undefined,
  };
}
