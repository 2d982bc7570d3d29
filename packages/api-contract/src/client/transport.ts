import type { z } from 'zod';
import { NEXT_CURSOR_HEADER } from '../common/paging.js';
import { invalidResponseError, responseError, unreachableError } from './api-error.js';

/**
 * The part of a fetch Response the client reads. Declared structurally because api-contract compiles without the
 * DOM or Node type libraries; the global `fetch` of Node 20+ and browsers satisfies it.
 */
export interface FetchResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The part of `fetch` the client calls; pass the global `fetch` or a fake in tests. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<FetchResponse>;

export type QueryValue = string | number | boolean | undefined;

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below `/api/v1/`, already encoded. */
  path: string;
  query?: Record<string, QueryValue> | undefined;
  headers?: Record<string, string> | undefined;
  /** Sent as JSON when present. */
  body?: unknown;
}

/** A successful response with its body parsed as JSON (undefined when empty). */
export interface Reply {
  status: number;
  headers: FetchResponse['headers'];
  body: unknown;
  requestId: string | undefined;
  method: string;
  url: string;
}

export type Send = (spec: RequestSpec) => Promise<Reply>;

export interface TransportOptions {
  baseUrl: string;
  fetch?: FetchLike | undefined;
  headers?: Record<string, string> | undefined;
}

/** Sends requests to EM's API and turns every failure into an ApiError. */
export function createTransport(opts: TransportOptions): Send {
  const base = `${opts.baseUrl.replace(/\/+$/, '')}/api/v1/`;
  const doFetch = opts.fetch ?? globalFetch();
  return async (spec) => {
    const url = base + spec.path + queryString(spec.query);
    const shownUrl = withoutCredentials(url);
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...opts.headers, ...spec.headers };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    let res: FetchResponse;
    try {
      res = await doFetch(url, { method: spec.method, headers, ...(spec.body !== undefined ? { body: JSON.stringify(spec.body) } : {}) });
    } catch (err) {
      throw unreachableError(spec.method, shownUrl, err);
    }
    const req = { method: spec.method, url: shownUrl, status: res.status, requestId: res.headers.get('x-request-id') ?? undefined };
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw unreachableError(spec.method, shownUrl, err);
    }
    const body = parseBody(text);
    if (!res.ok) throw responseError(req, body.ok ? body.value : text);
    if (!body.ok) throw invalidResponseError(req, 'the body is not JSON');
    return { ...req, headers: res.headers, body: body.value };
  };
}

/** Parses a reply's body with a contract schema; a mismatch is the server's fault, reported as `invalid-response`. */
export function parseReply<S extends z.ZodType>(reply: Reply, schema: S): z.output<S> {
  const parsed = schema.safeParse(reply.body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  throw invalidResponseError(reply, issues.join('; '));
}

/** The cursor of the next page from `X-Next-Cursor`, else from the `cursor` parameter of `Link: <...>; rel="next"`. */
export function nextCursorOf(headers: FetchResponse['headers']): string | undefined {
  const direct = headers.get(NEXT_CURSOR_HEADER);
  if (direct) return direct;
  const link = headers.get('link');
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]*)>\s*;.*\brel="?next"?/.exec(part);
    const cursor = m?.[1] ? /[?&]cursor=([^&#]*)/.exec(m[1])?.[1] : undefined;
    if (cursor) return decodeURIComponent(cursor.replace(/\+/g, ' '));
  }
  return undefined;
}

function queryString(query: Record<string, QueryValue> | undefined): string {
  const pairs = Object.entries(query ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`]));
  return pairs.length ? `?${pairs.join('&')}` : '';
}

function parseBody(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** URLs appear in error messages, so any `user:password@` part is cut out. */
function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

function globalFetch(): FetchLike {
  const f = (globalThis as { fetch?: FetchLike }).fetch;
  if (!f) return () => Promise.reject(new TypeError('this runtime has no global fetch; pass `fetch` to createClient'));
  return (url, init) => f.call(globalThis, url, init);
}
