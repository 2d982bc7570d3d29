/**
 * The routing table of an edge router (SPEC §7, ARCHITECTURE §2 "Traffic"): from LB settings (virtual hosts and their
 * locations), upstreams (hosts per slice, up or down) and services (their slice ports) to what to do with a request.
 * Pure: the router resolves registry names to instances itself.
 */
import { isJsonObject, stringAt, valueAt, type Json, type JsonObject } from '../json.js';
import { isRegistryName, sliceOfHost, slicePortsOf, type TrafficSlice, type Upstream } from './upstreams.js';

/** A host of a routed upstream. */
export interface RoutedHost {
  dnsName: string;
  port: number;
  up: boolean;
  weight: number;
  /** Which slice it serves (by the service's ports, else its name); undefined when neither tells. */
  slice: TrafficSlice | undefined;
  /** True: its instances are the passing instances of the registry service `dnsName`; false: `dnsName:port` itself. */
  registry: boolean;
}

export interface RoutedUpstream {
  key: string;
  environment: string;
  name: string;
  service: string;
  hosts: RoutedHost[];
}

/** How a location matches a request path, in nginx's terms. */
export type LocationMatch =
  /** `= /path`: this path only. */
  | { kind: 'exact'; path: string }
  /** `/path`, or `^~ /path` (`stopsRegex`: when it is the longest prefix, regular expressions are not tried). */
  | { kind: 'prefix'; path: string; stopsRegex: boolean }
  /** `~ re` (case-sensitive) or `~* re`. */
  | { kind: 'regex'; regex: RegExp };

export type LocationAction =
  /** Proxy to the upstream; `uri` replaces the matched prefix when ProxyPass has a path (nginx's `proxy_pass http://up/x/`). */
  | { kind: 'proxy'; upstream: RoutedUpstream; uri: string | undefined }
  /** Proxy to a fixed loopback address, e.g. ProxyPass `http://127.0.0.1:9000`. */
  | { kind: 'origin'; origin: string; uri: string | undefined }
  /** Answer at once (ReturnCode, with ReturnURI as Location for redirects). */
  | { kind: 'return'; status: number; location: string | undefined }
  /** Cannot be routed by the built-in router; answered 502 with the reason. */
  | { kind: 'unroutable'; reason: string };

export interface RoutedLocation {
  /** The LB setting's `Path`, as written. */
  path: string;
  match: LocationMatch;
  action: LocationAction;
}

export interface VirtualHost {
  environment: string;
  name: string;
  /** Lower-cased `ServerName`s; empty (or `_`) makes it the default of requests no other virtual host names. */
  serverNames: string[];
  /** `SiteInMaintenance`: every request is answered 503. */
  maintenance: boolean;
  /** In `Priority` order (then as written): the order regular expressions are tried in. */
  locations: RoutedLocation[];
}

/** Something in the configuration the built-in router cannot follow; the rest still routes. */
export interface RoutingProblem {
  where: string;
  message: string;
}

export interface RoutingTable {
  vhosts: VirtualHost[];
  upstreams: RoutedUpstream[];
  problems: RoutingProblem[];
}

export interface RoutingSource {
  /** LB setting documents (`{EnvironmentName, VHostName, Value}`), in key order. */
  lbSettings: readonly JsonObject[];
  upstreams: readonly Upstream[];
  /** Service documents, for their slice ports. */
  services: readonly JsonObject[];
}

const lower = (s: string) => s.toLowerCase();

/** Builds the routing table; what it cannot route is listed in `problems` and answered 502 (or left out). */
export function buildRoutingTable(src: RoutingSource): RoutingTable {
  const ports = new Map(src.services.flatMap((s) => {
    const name = stringAt(s, 'ServiceName');
    return name ? [[lower(name), slicePortsOf(s)] as const] : [];
  }));
  const upstreams: RoutedUpstream[] = src.upstreams.map((u) => ({
    key: u.key,
    environment: u.environment,
    name: u.name,
    service: u.service,
    hosts: u.hosts.map((h) => ({
      dnsName: h.dnsName,
      port: h.port,
      up: h.up,
      weight: h.weight,
      slice: sliceOfHost(h, ports.get(lower(u.service))),
      registry: isRegistryName(h.dnsName),
    })),
  }));
  const byName = new Map(upstreams.map((u) => [`${lower(u.environment)}\u0000${lower(u.name)}`, u]));
  const problems: RoutingProblem[] = [];
  const vhosts = src.lbSettings.flatMap((doc): VirtualHost[] => {
    const environment = stringAt(doc, 'EnvironmentName');
    const name = stringAt(doc, 'VHostName');
    if (!environment || !name) return [];
    const where = `lb-settings ${environment}/${name}`;
    const locations = listAt(doc, 'Value.Locations')
      .map((l, i) => ({ l, i }))
      .filter((x): x is { l: JsonObject; i: number } => isJsonObject(x.l))
      .sort((a, b) => priority(a.l) - priority(b.l) || a.i - b.i)
      .flatMap(({ l, i }) => {
        const routed = routeLocation(l, (upstream) => byName.get(`${lower(environment)}\u0000${lower(upstream)}`), environment);
        if ('problem' in routed) {
          problems.push({ where: `${where} Locations.${i}`, message: routed.problem });
          return [];
        }
        if (routed.action.kind === 'unroutable') problems.push({ where: `${where} Locations.${i}`, message: routed.action.reason });
        return [routed];
      });
    const serverNames = listAt(doc, 'Value.ServerName').filter((s): s is string => typeof s === 'string').map(lower);
    return [{ environment, name, serverNames, maintenance: valueAt(doc, 'Value.SiteInMaintenance') === true, locations }];
  });
  return { vhosts, upstreams, problems };
}

function listAt(doc: JsonObject, path: string): Json[] {
  const v = valueAt(doc, path);
  return Array.isArray(v) ? v : [];
}

function priority(l: JsonObject): number {
  return typeof l.Priority === 'number' ? l.Priority : 0;
}

/** A location's match and action, or the reason it cannot be matched at all. */
function routeLocation(l: JsonObject, upstreamNamed: (name: string) => RoutedUpstream | undefined, environment: string): RoutedLocation | { problem: string } {
  const path = typeof l.Path === 'string' ? l.Path.trim() : '';
  const match = parseMatch(path);
  if ('problem' in match) return match;
  return { path, match, action: actionOf(l, upstreamNamed, environment) };
}

function parseMatch(path: string): LocationMatch | { problem: string } {
  const m = /^(=|\^~|~\*|~)\s*(.+)$/.exec(path);
  if (path.startsWith('@')) return { problem: `named location '${path}' is only reachable from nginx directives, which the built-in router does not run` };
  if (!m) return path.startsWith('/') ? { kind: 'prefix', path, stopsRegex: false } : { problem: `Path '${path}' is neither a prefix starting with / nor a modifier (=, ^~, ~, ~*) and a pattern` };
  const [, modifier, rest = ''] = m;
  if (modifier === '=') return { kind: 'exact', path: rest };
  if (modifier === '^~') return { kind: 'prefix', path: rest, stopsRegex: true };
  try {
    return { kind: 'regex', regex: new RegExp(rest, modifier === '~*' ? 'i' : '') };
  } catch {
    return { problem: `Path '${path}' is not a regular expression the built-in router can use` };
  }
}

const PROXY_PASS = /^(https?):\/\/([^/:?#]+)(?::(\d{1,5}))?(\/[^?#]*)?$/i;
const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

function actionOf(l: JsonObject, upstreamNamed: (name: string) => RoutedUpstream | undefined, environment: string): LocationAction {
  if (typeof l.ReturnCode === 'number') return { kind: 'return', status: l.ReturnCode, location: typeof l.ReturnURI === 'string' ? l.ReturnURI : undefined };
  const pass = typeof l.ProxyPass === 'string' ? l.ProxyPass.trim() : undefined;
  if (pass === undefined) return { kind: 'unroutable', reason: 'the location has neither ProxyPass nor ReturnCode; the built-in router routes only those' };
  const m = PROXY_PASS.exec(pass);
  if (!m || pass.includes('$')) return { kind: 'unroutable', reason: `ProxyPass '${pass}' is not http://<upstream>[/path] (nginx variables are not supported by the built-in router)` };
  const [, scheme = '', host = '', port, uri] = m;
  const upstream = upstreamNamed(host);
  if (upstream && scheme.toLowerCase() === 'http') return { kind: 'proxy', upstream, uri };
  if (!upstream && LOOPBACK.includes(host.toLowerCase()) && port !== undefined && scheme.toLowerCase() === 'http') {
    return { kind: 'origin', origin: `http://${host}:${port}`, uri };
  }
  if (upstream) return { kind: 'unroutable', reason: `ProxyPass '${pass}' uses https; the built-in router talks plain http to instances` };
  return { kind: 'unroutable', reason: `ProxyPass '${pass}' names '${host}', which is not an upstream of environment ${environment}` };
}

/** The registry names the table routes to (up or down, so that test requests to the inactive slice work too). */
export function registryNamesOf(table: RoutingTable): string[] {
  return [...new Set(table.upstreams.flatMap((u) => u.hosts.filter((h) => h.registry).map((h) => h.dnsName)))].sort();
}
