import { DependencyUnavailableError, ValidationError } from '@envmgr/domain';
import { effectiveWaitMs, type ReadOptions } from '@envmgr/ports';
import { formatGoDuration } from './go-duration.js';

/** Headers by which the built-in registry tells nodes apart on agent endpoints; Consul ignores them (ADR 0002). */
export const NODE_HEADER = 'X-Envmgr-Node';
export const NODE_ADDRESS_HEADER = 'X-Envmgr-Node-Address';

// Node's fetch (undici) gives up on a response whose headers take longer than 300 s, and Consul adds up to
// wait/16 of jitter, so one HTTP request blocks at most 4 minutes; longer waits are split into several requests.
const MAX_WAIT_PER_REQUEST_MS = 240_000;
const JITTER_AND_LATENCY_MS = (waitMs: number): number => waitMs / 16 + 5000;

export interface HttpSettings {
  baseUrl: string;
  token?: string;
  node?: { name: string; address?: string };
  requestTimeoutMs: number;
  fetch: typeof fetch;
}

export interface ConsulResponse {
  status: number;
  /** X-Consul-Index, or undefined when the response has none (writes). */
  index: number | undefined;
  text: string;
}

type Query = Record<string, string | number | boolean | undefined>;

function urlOf(settings: HttpSettings, path: string, query: Query): string {
  const url = new URL(path, settings.baseUrl.endsWith('/') ? settings.baseUrl : `${settings.baseUrl}/`);
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === false) continue;
    // Consul reads flags such as `recurse` and `keys` by presence; `recurse=true` would do too, but bare is canonical
    url.searchParams.append(k, v === true ? '' : String(v));
  }
  return url.toString().replace(/=(?=&|$)/g, '');
}

function headersOf(settings: HttpSettings): Record<string, string> {
  const headers: Record<string, string> = {};
  if (settings.token) headers['X-Consul-Token'] = settings.token;
  if (settings.node) {
    headers[NODE_HEADER] = settings.node.name;
    if (settings.node.address) headers[NODE_ADDRESS_HEADER] = settings.node.address;
  }
  return headers;
}

/**
 * A signal for one request: aborted by the caller's signal or after `timeoutMs`. Built by hand because
 * `AbortSignal.any` keeps every composite alive as long as a long-lived input (an agent's shutdown signal) lives
 * (nodejs/node#55351); `done` unhooks everything once the request is over.
 */
function requestSignal(timeoutMs: number, outer: AbortSignal | undefined) {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  const onAbort = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    done: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

/** One HTTP exchange with Consul's API. Network failures and timeouts become `DependencyUnavailableError`. */
export async function send(
  settings: HttpSettings,
  req: { method: 'GET' | 'PUT' | 'DELETE'; path: string; query?: Query; body?: string; timeoutMs?: number; signal?: AbortSignal },
): Promise<ConsulResponse> {
  const url = urlOf(settings, req.path, req.query ?? {});
  const timeoutMs = Math.ceil(req.timeoutMs ?? settings.requestTimeoutMs);
  const abort = requestSignal(timeoutMs, req.signal);
  try {
    const res = await settings.fetch(url, { method: req.method, headers: headersOf(settings), body: req.body, signal: abort.signal });
    const text = await res.text();
    const raw = res.headers.get('X-Consul-Index');
    const index = raw === null ? undefined : Number(raw);
    return { status: res.status, index: index !== undefined && Number.isFinite(index) ? index : undefined, text };
  } catch (err) {
    if (req.signal?.aborted) throw req.signal.reason;
    const what = abort.timedOut() ? `did not answer within ${timeoutMs} ms` : 'cannot be reached';
    throw new DependencyUnavailableError(
      `the registry at ${settings.baseUrl} ${what} (${req.method} ${req.path}); check that it runs and that the URL is right`,
      { url: settings.baseUrl, method: req.method, path: req.path },
      { cause: err },
    );
  } finally {
    abort.done();
  }
}

/** The error for a status the caller does not handle itself. */
export function failure(res: ConsulResponse, what: string): Error {
  const body = res.text.trim().slice(0, 500);
  if (res.status === 400) return new ValidationError([{ path: '', message: `the registry refused ${what}: ${body}` }]);
  if (res.status === 401 || res.status === 403) {
    return new DependencyUnavailableError(`the registry denied ${what} (${res.status} ${body}); check the registry token`, { status: res.status });
  }
  return new DependencyUnavailableError(`the registry failed ${what} with status ${res.status}: ${body}`, { status: res.status });
}

/** The index of a read, which Consul always sends; its absence means this is not Consul's API. */
export function indexOf(res: ConsulResponse, what: string): number {
  if (res.index === undefined) {
    throw new DependencyUnavailableError(`the registry answered ${what} without X-Consul-Index; check that the registry URL points at Consul's HTTP API`);
  }
  return res.index;
}

/**
 * A read that may block. Without an index it is one plain request. With one, it asks Consul to wait (at most 4
 * minutes per request) and asks again with the time left while the index has not moved, so `waitMs` up to Consul's
 * 10 minutes works despite fetch's own limit.
 */
export async function blockingGet(settings: HttpSettings, path: string, query: Query, opts: ReadOptions): Promise<ConsulResponse> {
  const wanted = opts.index ? effectiveWaitMs(opts.waitMs) : 0;
  const deadline = Date.now() + wanted;
  let last: ConsulResponse | undefined;
  for (;;) {
    // the first request asks for the whole wait; only repeats count down what is left
    const left = last ? Math.round(deadline - Date.now()) : wanted;
    // Consul reads `wait=0` as its 5-minute default, so a wait that is used up is a plain read
    if (left < 1) return last ?? send(settings, { method: 'GET', path, query, signal: opts.signal });
    const waitMs = Math.min(MAX_WAIT_PER_REQUEST_MS, left);
    const started = Date.now();
    last = await send(settings, {
      method: 'GET',
      path,
      query: { ...query, index: opts.index, wait: formatGoDuration(waitMs) },
      timeoutMs: waitMs + JITTER_AND_LATENCY_MS(waitMs),
      signal: opts.signal,
    });
    // an unchanged index well before the wait ended means the server (or a proxy) cut the wait short: asking
    // again at once would spin, so the caller gets the result and decides
    const cutShort = Date.now() - started < waitMs / 2;
    if (last.index !== opts.index || last.status >= 500 || cutShort) return last;
  }
}
