/**
 * Matching a request against a routing table, the way nginx picks a server block and a location. Pure.
 */
import type { RoutedHost, RoutedLocation, RoutedUpstream, RoutingTable, VirtualHost } from './routing.js';
import type { TrafficSlice } from './upstreams.js';

/** The suffix that addresses a virtual host by name on loopback: `<vhost>.<environment>.localhost`. */
export const LOCALHOST_SUFFIX = '.localhost';

/** The host name of a `Host` header: without the port, lower-cased, without a trailing dot. */
export function hostnameOf(hostHeader: string | undefined): string {
  const h = (hostHeader ?? '').trim().toLowerCase();
  const name = h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : (h.split(':')[0] ?? '');
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/**
 * The virtual host for a `Host` header, in this order: `<vhost>.<environment>.localhost`; a `ServerName` equal to
 * the host name; the longest wildcard `*.example.com` (or `.example.com`, which also matches `example.com`) that
 * matches; a trailing wildcard `www.example.*`; else the first virtual host without server names (or with `_`).
 */
export function selectVirtualHost(table: RoutingTable, hostHeader: string | undefined): VirtualHost | undefined {
  const name = hostnameOf(hostHeader);
  if (name.endsWith(LOCALHOST_SUFFIX)) {
    const [vhost, env] = splitLocalhost(name);
    const found = table.vhosts.find((v) => v.name.toLowerCase() === vhost && v.environment.toLowerCase() === env);
    if (found) return found;
  }
  const exact = table.vhosts.find((v) => v.serverNames.includes(name));
  if (exact) return exact;
  let best: { vhost: VirtualHost; length: number } | undefined;
  for (const v of table.vhosts) {
    for (const s of v.serverNames) {
      const suffix = s.startsWith('*.') ? s.slice(1) : s.startsWith('.') ? s : undefined;
      const hit = suffix !== undefined && (name.endsWith(suffix) || (s.startsWith('.') && name === s.slice(1)));
      if (hit && (!best || suffix.length > best.length)) best = { vhost: v, length: suffix.length };
    }
  }
  if (best) return best.vhost;
  const trailing = table.vhosts.find((v) => v.serverNames.some((s) => s.endsWith('.*') && name.startsWith(s.slice(0, -1))));
  return trailing ?? table.vhosts.find((v) => v.serverNames.length === 0 || v.serverNames.includes('_'));
}

function splitLocalhost(name: string): [string, string] {
  const rest = name.slice(0, -LOCALHOST_SUFFIX.length);
  const dot = rest.lastIndexOf('.');
  return dot < 0 ? [rest, ''] : [rest.slice(0, dot), rest.slice(dot + 1)];
}

/**
 * The location of a virtual host for a path, as nginx chooses: an exact (`=`) match; else the longest prefix if it
 * is `^~`; else the first regular expression that matches (in `Priority` order); else the longest prefix.
 */
export function selectLocation(vhost: VirtualHost, path: string): RoutedLocation | undefined {
  const exact = vhost.locations.find((l) => l.match.kind === 'exact' && l.match.path === path);
  if (exact) return exact;
  let longest: RoutedLocation | undefined;
  for (const l of vhost.locations) {
    if (l.match.kind !== 'prefix' || !path.startsWith(l.match.path)) continue;
    if (!longest || (longest.match.kind === 'prefix' && l.match.path.length > longest.match.path.length)) longest = l;
  }
  if (longest?.match.kind === 'prefix' && longest.match.stopsRegex) return longest;
  return vhost.locations.find((l) => l.match.kind === 'regex' && l.match.regex.test(path)) ?? longest;
}

/**
 * The path and query to send upstream: nginx's rule for `proxy_pass` with a URI (the matched prefix is replaced
 * by it; an exact location sends the URI itself); without one, or for a regular expression, the request's own.
 */
export function upstreamPath(location: RoutedLocation, url: string): string {
  const action = location.action;
  const uri = action.kind === 'proxy' || action.kind === 'origin' ? action.uri : undefined;
  if (uri === undefined || location.match.kind === 'regex') return url;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q);
  if (location.match.kind === 'exact') return uri + query;
  const rest = path.slice(location.match.path.length);
  // `location /api/ { proxy_pass http://up/; }` sends /api/x as /x: no doubled slash when both sides have one
  return (uri.endsWith('/') && rest.startsWith('/') ? uri + rest.slice(1) : uri + rest) + query;
}

/** Which hosts of an upstream a request goes to: the active (up) ones, or those of one slice (the test address). */
export type SliceSelector = TrafficSlice | 'active' | 'inactive';

/** Parses the test address header's value (`blue`, `green`, `active`, `inactive`, any case); undefined when absent. */
export function parseSliceSelector(value: string | undefined): SliceSelector | undefined | { invalid: string } {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim().toLowerCase();
  return v === 'blue' || v === 'green' || v === 'active' || v === 'inactive' ? v : { invalid: value };
}

export function hostsFor(upstream: RoutedUpstream, selector: SliceSelector | undefined): RoutedHost[] {
  if (selector === undefined || selector === 'active') return upstream.hosts.filter((h) => h.up);
  if (selector === 'inactive') return upstream.hosts.filter((h) => !h.up);
  return upstream.hosts.filter((h) => h.slice === selector);
}
