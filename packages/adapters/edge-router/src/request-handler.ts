import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Readable } from 'node:stream';
import type { ProxyServer } from 'http-proxy-3';
import {
  hostnameOf,
  hostsFor,
  parseSliceSelector,
  selectLocation,
  selectVirtualHost,
  upstreamPath,
  type RoutedLocation,
  type RoutedUpstream,
  type RoutingTable,
  type SliceSelector,
} from '@envmgr/domain';
import type { Balancer, Candidate } from './balancer.js';
import type { Endpoint } from './instance-watch.js';

/** The request header that picks a slice: the test address of the inactive slice (`X-Envmgr-Slice: green`). */
export const SLICE_HEADER = 'x-envmgr-slice';
/** Response headers saying which upstream and slice answered. */
export const UPSTREAM_RESPONSE_HEADER = 'x-envmgr-upstream';

/** Errors of a connection that never reached an instance's application: safe to try another instance. */
const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
/** Instances tried per request at most. */
const MAX_ATTEMPTS = 3;

export interface HandlerDeps {
  table: () => RoutingTable;
  endpoints: (registryName: string) => readonly Endpoint[];
  proxy: ProxyServer;
  agent: Agent;
  balancer: Balancer;
  /** Longest wait for an instance's response. */
  proxyTimeoutMs: number;
  onProxyError?: (err: unknown, origin: string) => void;
  /** Told of each answer given for an instance of a registry service (the last one tried), with its status. */
  onAnswer?: (registryName: string, status: number) => void;
}

/** The instance a response was last sent to, for the traffic counts. */
const sentTo = new WeakMap<ServerResponse, Candidate>();

/** Answered by the router itself. */
type Answer = { kind: 'answer'; status: number; code: string; detail: string; headers?: Record<string, string> };
/** Sent to one of `candidates`, as `path`; `key` names the round robin it takes part in. */
type Forward = { kind: 'forward'; key: string; candidates: Candidate[]; path: string; upstream?: string };
type Route = Answer | Forward;

function answer(status: number, code: string, detail: string, headers?: Record<string, string>): Answer {
  return { kind: 'answer', status, code, detail, ...(headers ? { headers } : {}) };
}

/** Where a request goes, from the routing table at the moment it arrives. */
export function routeOf(deps: Pick<HandlerDeps, 'table' | 'endpoints'>, req: IncomingMessage): Route {
  const table = deps.table();
  const vhost = selectVirtualHost(table, req.headers.host);
  if (!vhost) return answer(404, 'no-virtual-host', `no LB setting of the edge router serves host '${hostnameOf(req.headers.host)}'; give one a ServerName for it, or use <vhost>.<environment>.localhost`);
  if (vhost.maintenance) return answer(503, 'site-in-maintenance', `${vhost.environment}/${vhost.name} is in maintenance (SiteInMaintenance)`);
  const url = req.url ?? '/';
  const location = selectLocation(vhost, url.split('?')[0] ?? '/');
  if (!location) return answer(404, 'no-location', `no location of ${vhost.environment}/${vhost.name} matches ${url.split('?')[0]}`);
  const selector = parseSliceSelector(headerOf(req, SLICE_HEADER));
  if (selector !== undefined && typeof selector === 'object') return answer(400, 'invalid-slice', `${SLICE_HEADER} must be blue, green, active or inactive, not '${selector.invalid}'`);
  return routeLocation(deps, location, url, selector);
}

function routeLocation(deps: Pick<HandlerDeps, 'endpoints'>, location: RoutedLocation, url: string, selector: SliceSelector | undefined): Route {
  const action = location.action;
  switch (action.kind) {
    case 'return':
      return answer(action.status, 'return', `returned ${action.status} by the location ${location.path}`, action.location ? { location: action.location } : undefined);
    case 'unroutable':
      return answer(502, 'unroutable', action.reason);
    case 'origin':
      return { kind: 'forward', key: action.origin, candidates: [{ origin: action.origin, host: action.origin, weight: 1, slice: undefined }], path: upstreamPath(location, url) };
    case 'proxy': {
      const candidates = candidatesOf(deps, action.upstream, selector);
      if (candidates.length === 0) return answer(503, 'no-healthy-instance', noInstance(action.upstream, selector));
      return { kind: 'forward', key: `${action.upstream.key}\u0000${selector ?? ''}`, candidates, path: upstreamPath(location, url), upstream: action.upstream.name };
    }
  }
}

function candidatesOf(deps: Pick<HandlerDeps, 'endpoints'>, upstream: RoutedUpstream, selector: SliceSelector | undefined): Candidate[] {
  return hostsFor(upstream, selector).flatMap((h) => {
    const host = `${h.dnsName}:${h.port}`;
    return h.registry
      ? deps.endpoints(h.dnsName).map((e) => ({ origin: `http://${e.address}:${e.port}`, host, weight: h.weight, slice: h.slice, registryName: h.dnsName }))
      : [{ origin: `http://${h.dnsName}:${h.port}`, host, weight: h.weight, slice: h.slice }];
  });
}

function noInstance(u: RoutedUpstream, selector: SliceSelector | undefined): string {
  const hosts = hostsFor(u, selector);
  const which = selector === undefined ? 'its hosts that are up' : `slice ${selector}`;
  if (hosts.length === 0) return `upstream ${u.name} (${u.environment}) has no host for ${which}`;
  return `upstream ${u.name} (${u.environment}) has no instance passing its health checks for ${which}: ${hosts.map((h) => h.dnsName).join(', ')}`;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** A request without a body can be sent again to another instance when the first refused the connection. */
function isBodiless(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
}

function reply(res: ServerResponse, r: Answer, requestPath: string | undefined): void {
  if (res.headersSent) return void res.destroy();
  if (r.code === 'return') {
    res.writeHead(r.status, r.headers ?? {});
    return void res.end();
  }
  const body = JSON.stringify({ type: `/problems/${r.code}`, title: r.code, status: r.status, detail: r.detail, code: r.code, instance: requestPath });
  res.writeHead(r.status, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(body), ...r.headers });
  res.end(body);
}

/** The router's request handler: route by the table, pick an instance, proxy; another instance on a refused connection. */
export function createRequestHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const route = routeOf(deps, req);
    if (route.kind === 'answer') return reply(res, route, req.url);
    if (route.upstream) res.setHeader(UPSTREAM_RESPONSE_HEADER, route.upstream);
    if (deps.onAnswer) {
      const onAnswer = deps.onAnswer;
      res.once('close', () => {
        const c = sentTo.get(res);
        // a response closed before it finished never reached the client whole: a failure of the instance
        if (c?.registryName !== undefined) onAnswer(c.registryName, res.writableFinished ? res.statusCode : 502);
      });
    }
    req.url = route.path;
    forward(deps, req, res, route, new Set(), 1);
  };
}

function forward(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse, route: Forward, tried: Set<string>, attempt: number): void {
  const c = deps.balancer.pick(route.key, route.candidates, tried);
  if (!c) return reply(res, answer(502, 'instances-unreachable', `every instance tried refused the connection: ${[...tried].join(', ')}`), req.url);
  tried.add(c.origin);
  sentTo.set(res, c);
  if (c.slice) res.setHeader(SLICE_HEADER, c.slice);
  // a retry has no body to send: the request's own stream has already ended
  const buffer = attempt > 1 ? { buffer: Readable.from([]) } : {};
  const sentAt = Date.now();
  deps.proxy.web(req, res, { target: c.origin, agent: deps.agent, xfwd: true, proxyTimeout: deps.proxyTimeoutMs, ...buffer }, (err) => {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    // (req.destroyed says nothing here: a request is destroyed once its body has been read)
    const clientGone = req.socket.destroyed || res.destroyed;
    // the proxy ends a request that outlives proxyTimeout by destroying it, which reads as a reset: not a refusal
    const timedOut = Date.now() - sentAt >= deps.proxyTimeoutMs;
    if (!res.headersSent && !clientGone && !timedOut && isBodiless(req) && CONNECT_ERRORS.has(code) && attempt < MAX_ATTEMPTS) {
      return forward(deps, req, res, route, tried, attempt + 1);
    }
    if (clientGone) return;
    deps.onProxyError?.(err, c.origin);
    if (timedOut) return reply(res, answer(504, 'instance-timeout', `the instance at ${c.origin} did not answer within ${deps.proxyTimeoutMs} ms`), req.url);
    reply(res, answer(502, 'instance-failed', `the instance at ${c.origin} failed: ${code || err.message}`), req.url);
  });
}

/** WebSocket upgrades follow the same routes (no retry: the handshake is under way). */
export function createUpgradeHandler(deps: HandlerDeps): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    const route = routeOf(deps, req);
    const c = route.kind === 'forward' ? deps.balancer.pick(route.key, route.candidates) : undefined;
    if (route.kind !== 'forward' || !c) {
      const status = route.kind === 'answer' ? route.status : 502;
      return void socket.end(`HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : 'Bad Gateway'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    }
    req.url = route.path;
    deps.proxy.ws(req, socket, head, { target: c.origin, xfwd: true }, () => socket.destroy());
  };
}
