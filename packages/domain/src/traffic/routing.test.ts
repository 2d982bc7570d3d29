import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../json.js';
import { buildRoutingTable, registryNamesOf } from './routing.js';
import { hostnameOf, hostsFor, parseSliceSelector, selectLocation, selectVirtualHost, upstreamPath } from './route-match.js';
import { isSliceActive, readUpstream, sliceRecordsOf, type Upstream } from './upstreams.js';

const SEARCH: JsonObject = { ServiceName: 'Search', OwningCluster: 'Infra', Value: { BluePort: 40100, GreenPort: 40101 } };

function up(env: string, name: string, hosts: JsonObject[]): Upstream {
  const u = readUpstream({ key: `/${env}_${name}/config`, version: 1, data: { Value: { EnvironmentName: env, UpstreamName: name, ServiceName: 'Search', Hosts: hosts } } });
  if (!u) throw new TypeError('bad fixture');
  return u;
}
const searchUpstream = up('c50', 'c50-search', [
  { DnsName: 'c50-Search-blue', Port: 40100, State: 'up', Weight: 2 },
  { DnsName: 'c50-Search-green', Port: 40101, State: 'down' },
]);
const vhost = (env: string, name: string, value: JsonObject): JsonObject => ({ EnvironmentName: env, VHostName: name, Value: value });

const table = buildRoutingTable({
  services: [SEARCH],
  upstreams: [searchUpstream, up('c51', 'c51-search', [{ DnsName: 'search.c51.example.com', Port: 40100 }])],
  lbSettings: [
    vhost('c50', 'search', {
      ServerName: ['Search.C50.example.com', '*.search.example.com'],
      Locations: [
        { Path: '/', ProxyPass: 'http://c50-search' },
        { Path: '/api/', ProxyPass: 'http://c50-search/v2/' },
        { Path: '= /health', ProxyPass: 'http://c50-search/diagnostics/healthcheck' },
        { Path: '~* \\.(png|css)$', ProxyPass: 'http://127.0.0.1:9000', Priority: 1 },
        { Path: '^~ /static/', ReturnCode: 301, ReturnURI: 'https://cdn.example.com/' },
        { Path: '/old', ReturnCode: 410 },
        { Path: '/elsewhere', ProxyPass: 'http://c51-search' },
        { Path: '/raw', RawNginxConfig: 'deny all;' },
        { Path: '@named', ProxyPass: 'http://c50-search' },
      ],
    }),
    vhost('c50', 'fallback', { Locations: [{ Path: '/', ReturnCode: 404 }] }),
    vhost('c51', 'search', { ServerName: ['.c51.example.com', 'www.example.*'], SiteInMaintenance: true }),
  ],
});
const c50 = table.vhosts[0]!;

describe('buildRoutingTable', () => {
  it('resolves ProxyPass to the upstream of the same environment, with each host’s slice, weight and kind', () => {
    const root = selectLocation(c50, '/x');
    expect(root?.action).toMatchObject({ kind: 'proxy', uri: undefined, upstream: { name: 'c50-search' } });
    expect(table.upstreams[0]?.hosts).toEqual([
      { dnsName: 'c50-Search-blue', port: 40100, up: true, weight: 2, slice: 'blue', registry: true },
      { dnsName: 'c50-Search-green', port: 40101, up: false, weight: 1, slice: 'green', registry: true },
    ]);
    expect(table.upstreams[1]?.hosts[0]).toMatchObject({ registry: false, up: true, slice: 'blue' });
  });

  it('lists what it cannot route as problems: another environment’s upstream, no ProxyPass, named locations', () => {
    expect(table.problems.map((p) => `${p.where}: ${p.message}`)).toEqual([
      "lb-settings c50/search Locations.6: ProxyPass 'http://c51-search' names 'c51-search', which is not an upstream of environment c50",
      'lb-settings c50/search Locations.7: the location has neither ProxyPass nor ReturnCode; the built-in router routes only those',
      "lb-settings c50/search Locations.8: named location '@named' is only reachable from nginx directives, which the built-in router does not run",
    ]);
    expect(selectLocation(c50, '/elsewhere')?.action.kind).toBe('unroutable');
  });

  it('watches every registry name of every upstream, up or down', () => {
    expect(registryNamesOf(table)).toEqual(['c50-Search-blue', 'c50-Search-green']);
  });
});

describe('selectVirtualHost', () => {
  it.each([
    ['search.c50.example.com', 'c50/search'],
    ['SEARCH.c50.example.com:8081', 'c50/search'],
    ['a.b.search.example.com', 'c50/search'],
    ['search.c50.localhost:8081', 'c50/search'],
    ['search.c51.localhost', 'c51/search'],
    ['c51.example.com', 'c51/search'],
    ['api.c51.example.com', 'c51/search'],
    ['www.example.org', 'c51/search'],
    ['127.0.0.1:8081', 'c50/fallback'],
    [undefined, 'c50/fallback'],
  ])('%s → %s', (host, expected) => {
    const v = selectVirtualHost(table, host);
    expect(v && `${v.environment}/${v.name}`).toBe(expected);
  });

  it('reads the host name of IPv6 and trailing-dot Host headers', () => {
    expect(hostnameOf('[::1]:8081')).toBe('[::1]');
    expect(hostnameOf('Example.com.')).toBe('example.com');
  });
});

describe('selectLocation and upstreamPath: nginx’s choice of location', () => {
  it.each([
    ['/health', '= /health', '/diagnostics/healthcheck'],
    ['/health?x=1', '= /health', '/diagnostics/healthcheck?x=1'],
    ['/healthz', '/', '/healthz'],
    ['/api/items?q=1', '/api/', '/v2/items?q=1'],
    ['/api/logo.png', '~* \\.(png|css)$', '/api/logo.png'],
    ['/static/logo.png', '^~ /static/', '/static/logo.png'],
    ['/old/page', '/old', '/old/page'],
  ])('%s → location %s, sent as %s', (url, path, sent) => {
    const l = selectLocation(c50, url.split('?')[0]!);
    expect(l?.path).toBe(path);
    expect(upstreamPath(l!, url)).toBe(sent);
  });

  it('has no location for a path no prefix matches', () => {
    expect(selectLocation(table.vhosts[2]!, '/')).toBeUndefined();
  });
});

describe('hostsFor: the active slice, or one slice for the test address', () => {
  const u = table.upstreams[0]!;
  it.each([
    [undefined, ['c50-Search-blue']],
    ['active', ['c50-Search-blue']],
    ['inactive', ['c50-Search-green']],
    ['green', ['c50-Search-green']],
    ['blue', ['c50-Search-blue']],
  ] as const)('%s → %j', (selector, names) => {
    expect(hostsFor(u, selector).map((h) => h.dnsName)).toEqual(names);
  });

  it('parses the header value in any case and refuses others', () => {
    expect(parseSliceSelector(' Green ')).toBe('green');
    expect(parseSliceSelector(undefined)).toBeUndefined();
    expect(parseSliceSelector('purple')).toEqual({ invalid: 'purple' });
  });
});

describe('slice records and active slices', () => {
  it('gives EM’s record per host: Name by port, State by up/down', () => {
    expect(sliceRecordsOf(searchUpstream, { ports: { blue: 40100, green: 40101 }, owningCluster: 'Infra' })).toEqual([
      { Key: '/c50_c50-search/config', EnvironmentName: 'c50', ServiceName: 'Search', UpstreamName: 'c50-search', DnsName: 'c50-Search-blue', Port: 40100, OwningCluster: 'Infra', Name: 'Blue', State: 'Active' },
      { Key: '/c50_c50-search/config', EnvironmentName: 'c50', ServiceName: 'Search', UpstreamName: 'c50-search', DnsName: 'c50-Search-green', Port: 40101, OwningCluster: 'Infra', Name: 'Green', State: 'Inactive' },
    ]);
    expect(sliceRecordsOf(searchUpstream, { ports: undefined, owningCluster: undefined }).map((r) => [r.Name, r.OwningCluster])).toEqual([['Blue', ''], ['Green', '']]);
  });

  it('says a slice is active when a host names its registry name and is up; null when no host names it', () => {
    expect(isSliceActive([searchUpstream], 'c50-search-blue')).toBe(true);
    expect(isSliceActive([searchUpstream], 'c50-Search-green')).toBe(false);
    expect(isSliceActive([searchUpstream], 'c50-Search')).toBeNull();
  });
});
