import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../json.js';
import { renderNginxConfig, type NginxRender, type NginxSource } from './nginx-config.js';
import { checkArguments, checkBalancedBlock, checkQuotable, checkToken } from './nginx-syntax.js';

const upstream = (env: string, name: string, value: JsonObject = {}): JsonObject => ({
  key: `/${env}_${name}/config`,
  Value: {
    EnvironmentName: env,
    UpstreamName: name,
    ServiceName: 'Search',
    Hosts: [
      { DnsName: `${env}-Search-blue`, Port: 40100, State: 'up', Weight: 2, FailTimeout: '30s', MaxFails: 3 },
      { DnsName: `${env}-Search-green`, Port: 40101, State: 'down' },
    ],
    ...value,
  },
  Version: 1,
});
const vhost = (env: string, name: string, value: JsonObject): JsonObject => ({ EnvironmentName: env, VHostName: name, Value: value });
const SEARCH = vhost('c50', 'search', {
  FrontEnd: true,
  ServerName: ['search.c50.example.com', '*.search.example.com'],
  Listen: [{ Port: 8080, IP: '127.0.0.1' }, { Port: 443, SSL: true }],
  SSLCertificate: '/etc/ssl/search.pem',
  SSLKey: '/etc/ssl/search.key',
  ProxySetHeaders: ['Host $host', 'X-Real-IP $remote_addr'],
  AddHeaders: ['X-Frame-Options "SAMEORIGIN" always'],
  RestrictTo: ['10.0.0.0/8'],
  Locations: [
    { Path: '/', ProxyPass: 'http://c50-search', ProxyHttpVersion: '1.1', ProxySetHeaders: ['Connection ""'] },
    { Path: '~* \\.(png|css){1}$', ProxyPass: 'http://127.0.0.1:9000', Priority: 1 },
    { Path: '= /health', ReturnCode: 200 },
    { Path: '/old', RewriteCondition: '^/old/(.*)$', RewriteURI: '/new/$1', RewriteState: 'permanent' },
    { Path: '/raw', RawNginxConfig: 'if ($request_method = POST) {\n  return 405;\n}' },
  ],
});
const source = (over: Partial<NginxSource> = {}): NginxSource => ({ group: 'Cluster', lbSettings: [SEARCH], upstreams: [upstream('c50', 'c50-search')], ...over });
const render = (src: NginxSource, registryDomain = 'service.consul') => renderNginxConfig(src, { registryDomain });
const problems = (r: NginxRender) => (r.ok ? [] : r.problems.map((p) => `${p.item} ${p.path}: ${p.message}`));

describe('renderNginxConfig', () => {
  it('renders an upstream block per upstream and a server block per LB setting', () => {
    const r = render(source());
    expect(problems(r)).toEqual([]);
    expect(r.ok && r.text).toBe(`# Rendered by envmgr edge for load-balancer group Cluster: 1 upstream(s), 1 virtual host(s).
# Do not edit: envmgr edge replaces this file whenever the configuration changes.

upstream c50-search {
    server c50-Search-blue.service.consul:40100 weight=2 max_fails=3 fail_timeout=30s;
    server c50-Search-green.service.consul:40101 down;
}

# c50/search
server {
    listen 127.0.0.1:8080;
    listen 443 ssl;
    server_name search.c50.example.com *.search.example.com;
    ssl_certificate /etc/ssl/search.pem;
    ssl_certificate_key /etc/ssl/search.key;
    allow 10.0.0.0/8;
    deny all;
    proxy_set_header Host $host;
    proxy_set_header X-Real-IP $remote_addr;
    add_header X-Frame-Options "SAMEORIGIN" always;

    location / {
        proxy_set_header Connection "";
        proxy_http_version 1.1;
        proxy_pass http://c50-search;
    }

    location = /health {
        return 200;
    }

    location /old {
        rewrite "^/old/(.*)$" /new/$1 permanent;
    }

    location /raw {
        if ($request_method = POST) {
          return 405;
        }
    }

    location ~* "\\.(png|css){1}$" {
        proxy_pass http://127.0.0.1:9000;
    }
}
`);
  });

  it('is byte-identical whatever order the items come in', () => {
    const a = render(source({ upstreams: [upstream('c50', 'c50-search'), upstream('c51', 'c51-search')], lbSettings: [SEARCH, vhost('c51', 'a', { ServerName: ['a'] })] }));
    const b = render(source({ upstreams: [upstream('c51', 'c51-search'), upstream('c50', 'c50-search')], lbSettings: [vhost('c51', 'a', { ServerName: ['a'] }), SEARCH] }));
    expect(a.ok && b.ok && a.text === b.text).toBe(true);
  });

  it.each([
    ['registry names as they are without a registry domain', '', 'server c50-Search-blue:40100'],
    ['dotted names as they are', 'service.consul', 'server 10.0.0.5:40100'],
  ])('writes %s', (_, domain, line) => {
    const u = upstream('c50', 'c50-search');
    const dotted = { ...u, Value: { ...(u.Value as JsonObject), Hosts: [{ DnsName: domain ? '10.0.0.5' : 'c50-Search-blue', Port: 40100 }] } };
    const r = render(source({ upstreams: [dotted] }), domain);
    expect(r.ok && r.text).toContain(`${line};`);
  });

  it('renders the upstream options nginx has, and a maintenance site answers 503', () => {
    const r = render(source({
      upstreams: [upstream('c50', 'c50-search', { LoadBalancingMethod: 'LeastConn', UpStreamKeepalives: 32, ZoneSize: '64k', SlowStart: '30s' })],
      lbSettings: [vhost('c50', 'search', { SiteInMaintenance: true, Locations: [{ Path: '/', ProxyPass: 'http://C50-Search' }] })],
    }));
    expect(r.ok && r.text).toContain('upstream c50-search {\n    zone c50-search 64k;\n    least_conn;\n');
    expect(r.ok && r.text).toContain('    keepalive 32;\n}');
    expect(r.ok && r.text).toContain('    listen 80;\n    return 503;\n');
    expect(r.ok && r.ignored).toEqual([{ item: 'upstreams /c50_c50-search/config', path: 'Value.SlowStart', message: 'needs NGINX Plus; not rendered' }]);
  });

  it.each([
    ['a space in a server name', { ServerName: ['a b'] }, 'Value.ServerName.0: must be one nginx argument'],
    ['a ; in a header', { ProxySetHeaders: ['Host $host; return 200'] }, "Value.ProxySetHeaders.0: has ';' outside quotes"],
    ['a { in a header', { AddHeaders: ['X { y'] }, "Value.AddHeaders.0: has '{' outside quotes"],
    ['an open quote', { Set: ['$x "abc'] }, 'Value.Set.0: must close the quote'],
    ['a comment', { Set: ['$x 1 # rest'] }, "Value.Set.0: has a '#' outside quotes"],
    ['a ; in a ProxyPass', { Locations: [{ Path: '/', ProxyPass: 'http://c50-search;return' }] }, 'Value.Locations.0.ProxyPass: must be one nginx argument'],
    ['an unknown upstream', { Locations: [{ Path: '/', ProxyPass: 'http://c50-nope/x' }] }, "Value.Locations.0.ProxyPass: names 'c50-nope', which is not an upstream"],
    ['a quote in a regex', { Locations: [{ Path: '~ ^/a"b', ReturnCode: 404 }] }, 'Value.Locations.0.Path: must not contain a double quote'],
    ['a bad path', { Locations: [{ Path: 'api', ReturnCode: 404 }] }, "Value.Locations.0.Path: 'api' is neither"],
    ['unbalanced raw config', { Locations: [{ Path: '/', RawNginxConfig: '} server {' }] }, 'Value.Locations.0.RawNginxConfig: closes a block'],
    ['a bad rewrite flag', { Locations: [{ Path: '/', Rewrites: [{ Condition: '^/a', URI: '/b', State: 'forever' }] }] }, 'Value.Locations.0.Rewrites.0.State: must be one of'],
  ])('refuses %s, with the field path', (_, value, expected) => {
    expect(problems(render(source({ lbSettings: [vhost('c50', 'search', value)] }))).join('\n')).toContain(`lb-settings c50/search ${expected}`);
  });

  it('refuses upstream names that clash ignoring case, and unknown balancing methods', () => {
    const r = render(source({ upstreams: [upstream('c50', 'c50-search'), upstream('c50', 'C50-Search', { LoadBalancingMethod: 'sticky' })] }));
    expect(problems(r)).toEqual([
      "upstreams /c50_C50-Search/config Value.UpstreamName: 'C50-Search' is also the name of upstreams /c50_c50-search/config; nginx compares upstream names ignoring case",
      "upstreams /c50_C50-Search/config Value.LoadBalancingMethod: 'sticky' is not a method nginx has here; use round_robin, least_conn, ip_hash or random",
    ]);
  });

  it('refuses two virtual hosts with one server name on one address', () => {
    const r = render(source({ lbSettings: [SEARCH, vhost('c51', 'other', { ServerName: ['Search.c50.example.com'], Listen: [{ Port: 8080, IP: '127.0.0.1' }] })] }));
    expect(problems(r)).toEqual([
      "lb-settings c51/other Value.ServerName.0: 'search.c50.example.com' on 127.0.0.1:8080 is also served by lb-settings c50/search; nginx would send all its requests to one of them",
    ]);
  });
});

describe('nginx syntax checks', () => {
  it.each([
    [checkToken, 'c50-search', undefined],
    [checkToken, 'a\tb', 'white space'],
    [checkArguments, 'X-A "a; b" always', undefined],
    [checkArguments, "X-A 'it''s'", undefined],
    [checkArguments, 'X-A a\\', 'must not end with a backslash'],
    [checkArguments, 'X-A a#b', undefined],
    [checkQuotable, '^/a{2}$', undefined],
    [checkQuotable, '^/a\\', 'must not end with a backslash'],
    [checkBalancedBlock, 'location /x { return 200 "}"; } # }', undefined],
    [checkBalancedBlock, 'if ($x) {', 'leaves 1 block(s) open'],
  ])('%o(%s)', (check, value, expected) => {
    const got = check(value);
    if (expected === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(expected);
  });
});

describe('renderNginxConfig with the registry\'s instances (envmgr edge --registry)', () => {
  it('writes one server per passing instance of a registry host, with the host\'s weight and state; a down placeholder when none passes', () => {
    const u = upstream('c50', 'c50-search', {
      Hosts: [
        { DnsName: 'c50-Search-blue', Port: 40100, State: 'up', Weight: 90 },
        { DnsName: 'c50-Search-green', Port: 40101, State: 'down' },
      ],
    });
    const instances = new Map([['c50-Search-blue', [{ address: '127.0.0.1', port: 41002 }, { address: '127.0.0.1', port: 41000 }]]]);
    const r = renderNginxConfig(source({ upstreams: [u] }), { registryDomain: 'service.consul', instances: (n) => instances.get(n) });
    if (!r.ok) throw new Error(problems(r).join('\n'));
    expect(r.text).toContain('    server 127.0.0.1:41000 weight=90; # c50-Search-blue\n    server 127.0.0.1:41002 weight=90; # c50-Search-blue\n');
    expect(r.text).toContain('    server 127.0.0.1:40101 down; # c50-Search-green: no passing instance\n');
    expect(r.text).not.toContain('service.consul');
  });

  it('refuses an instance address that is not one nginx argument', () => {
    const u = upstream('c50', 'c50-search', { Hosts: [{ DnsName: 'c50-Search-blue', Port: 40100 }] });
    const r = renderNginxConfig(source({ upstreams: [u] }), { registryDomain: '', instances: () => [{ address: '127.0.0.1; include /etc/passwd', port: 1 }] });
    expect(problems(r).join('\n')).toContain('Value.Hosts.0.DnsName');
  });
});
