import type { z } from 'zod';
import { NEXT_CURSOR_HEADER } from '../common/paging.js';
import { invalidResponseError, responseError, unreachableError, type ApiError } from './api-error.js';

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
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
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
  /** Values that must never show in an error message (a bearer token); an `authorization` header's value always is one. */
  secrets?: readonly string[] | undefined;
}

/** Sends requests to EM's API and turns every failure into an ApiError. */
export function createTransport(opts: TransportOptions): Send {
  const base = `${opts.baseUrl.replace(/\/+$/, '')}/api/v1/`;
  const doFetch = opts.fetch ?? globalFetch();
  const hide = redactor([...(opts.secrets ?? []), ...credentialValues(opts.headers)]);
  const send: Send = async (spec) => {
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
    const retryAfterSeconds = res.ok ? undefined : retryAfterOf(res.headers.get('retry-after'));
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw unreachableError(spec.method, shownUrl, err);
    }
    const body = parseBody(text);
    if (!res.ok) throw responseError({ ...req, retryAfterSeconds }, body.ok ? body.value : text);
    if (!body.ok) throw invalidResponseError(req, 'the body is not JSON');
    return { ...req, headers: res.headers, body: body.value };
  };
  return async (spec) => {
    try {
      return await send(spec);
    } catch (err) {
      throw hide(err as ApiError);
    }
  };
}

/** The credentials among configured headers: an `authorization` value, and the token after its scheme. */
function credentialValues(headers: Record<string, string> | undefined): string[] {
  return Object.entries(headers ?? {}).flatMap(([name, value]) =>
    name.toLowerCase() === 'authorization' ? [value, value.replace(/^\S+\s+/, '')] : [],
  );
}

/**
 * Cuts secrets out of an error's message. A fetch implementation may quote a header it rejected, and a message is
 * printed, so the token must not survive in it whatever the source.
 */
function redactor(secrets: readonly string[]): (err: ApiError) => ApiError {
  const values = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  return (err) => {
    if (values.length === 0 || !(err instanceof Error)) return err;
    let message = err.message;
    for (const v of values) message = message.split(v).join('[redacted]');
    if (message !== err.message) err.message = message;
    return err;
  };
}

/** `Retry-After` in seconds: a number of seconds or an HTTP date. */
function retryAfterOf(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
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
