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

/** One HTTP exchange with Consul's API. Network failures and timeouts become `DependencyUnavailableError`. */
export async function send(
  settings: HttpSettings,
  req: { method: 'GET' | 'PUT' | 'DELETE'; path: string; query?: Query; body?: string; timeoutMs?: number; signal?: AbortSignal },
): Promise<ConsulResponse> {
  const url = urlOf(settings, req.path, req.query ?? {});
  const timeout = AbortSignal.timeout(req.timeoutMs ?? settings.requestTimeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  try {
    const res = await settings.fetch(url, { method: req.method, headers: headersOf(settings), body: req.body, signal });
    const text = await res.text();
    const raw = res.headers.get('X-Consul-Index');
    const index = raw === null ? undefined : Number(raw);
    return { status: res.status, index: index !== undefined && Number.isFinite(index) ? index : undefined, text };
  } catch (err) {
    if (req.signal?.aborted) throw req.signal.reason;
    const what = timeout.aborted ? `did not answer within ${req.timeoutMs ?? settings.requestTimeoutMs} ms` : 'cannot be reached';
    throw new DependencyUnavailableError(
      `the registry at ${settings.baseUrl} ${what} (${req.method} ${req.path}); check that it runs and that the URL is right`,
      { url: settings.baseUrl, method: req.method, path: req.path },
      { cause: err },
    );
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
  const deadline = Date.now() + (opts.index ? effectiveWaitMs(opts.waitMs) : 0);
  let last: ConsulResponse | undefined;
  for (;;) {
    const left = Math.round(deadline - Date.now());
    // Consul reads `wait=0` as its 5-minute default, so a wait that is used up is a plain read
    if (left < 1) return last ?? send(settings, { method: 'GET', path, query, signal: opts.signal });
    const waitMs = Math.min(MAX_WAIT_PER_REQUEST_MS, left);
    last = await send(settings, {
      method: 'GET',
      path,
      query: { ...query, index: opts.index, wait: formatGoDuration(waitMs) },
      timeoutMs: waitMs + JITTER_AND_LATENCY_MS(waitMs),
      signal: opts.signal,
    });
    if (last.index !== opts.index || last.status >= 500) return last;
  }
}
