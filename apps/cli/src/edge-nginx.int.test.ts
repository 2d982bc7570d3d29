import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderNginxConfig, type JsonObject } from '@envmgr/domain';
import { nodeEdgeHost } from './edge-host.js';
import { createNginxApplier, testRendering } from './edge-nginx.js';

// The renderer's output against Debian's nginx (TOOLING.md): every field it renders must pass `nginx -t`, and the
// applier must never put a refused rendering where nginx reads it. apps/server/src/nginx-edge.int.test.ts runs the
// whole `envmgr edge` against a running nginx and EM.
const NGINX = '/usr/sbin/nginx';
const HAS_NGINX = existsSync(NGINX);
if (!HAS_NGINX) console.warn(`edge-nginx.int.test.ts skipped: ${NGINX} is missing (apt-get install nginx-light; .ci/run installs it)`);

const UPSTREAM: JsonObject = {
  key: '/c50_c50-search/config',
  Value: {
    EnvironmentName: 'c50',
    UpstreamName: 'c50-search',
    ServiceName: 'Search',
    LoadBalancingMethod: 'least_conn',
    ZoneSize: '64k',
    UpStreamKeepalives: 32,
    Hosts: [{ DnsName: '127.0.0.1', Port: 40100, State: 'up', Weight: 2, FailTimeout: '30s', MaxFails: 3 }, { DnsName: '127.0.0.2', Port: 40101, State: 'down' }],
  },
};
const LB_SETTING: JsonObject = {
  EnvironmentName: 'c50',
  VHostName: 'search',
  Value: {
    ServerName: ['search.c50.example.com', '*.search.example.com'],
    Listen: [{ Port: 8080, IP: '127.0.0.1' }],
    ProxySetHeaders: ['Host $host', 'X-Real-IP $remote_addr'],
    AddHeaders: ['X-Frame-Options "SAMEORIGIN" always'],
    RestrictTo: ['10.0.0.0/8'],
    Set: ['$a "b;c"'],
    Locations: [
      { Path: '/', ProxyPass: 'http://c50-search', ProxyHttpVersion: '1.1', ProxySetHeaders: ['Connection ""'], TryFiles: '$uri @fallback' },
      { Path: '@fallback', ProxyPass: 'http://c50-search' },
      { Path: '~* \\.(png|css){1}$', ProxyPass: 'http://127.0.0.1:9000', Priority: 1 },
      { Path: '= /health', ReturnCode: 200 },
      { Path: '^~ /static/', ReturnCode: 301, ReturnURI: 'https://cdn.example.com$request_uri' },
      { Path: '/old', RewriteCondition: '^/old/(.*){1}$', RewriteURI: '/new/$1', RewriteState: 'permanent', Rewrites: [{ Condition: '^/x', URI: '/y' }] },
      { Path: '/raw', RawNginxConfig: 'if ($request_method = POST) {\n  return 405;\n}' },
    ],
  },
};

function rendered(lbSetting: JsonObject = LB_SETTING): string {
  const r = renderNginxConfig({ group: 'Cluster', lbSettings: [lbSetting], upstreams: [UPSTREAM] }, { registryDomain: 'service.consul' });
  if (!r.ok) throw new TypeError(JSON.stringify(r.problems));
  return r.text;
}

describe.skipIf(!HAS_NGINX)('nginx rendering against nginx -t', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'envmgr-edge-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('passes nginx -t with every field nginx-light has a directive for', async () => {
    expect(await testRendering(nodeEdgeHost, NGINX, rendered())).toEqual({ ok: true, output: '' });
  });

  it('writes a rendering only after nginx -t passes, then reloads; an unchanged one is left alone', async () => {
    const marker = join(dir, 'reloads');
    const applier = createNginxApplier(nodeEdgeHost, { confDir: dir, fileName: 'edge.conf', nginx: NGINX, reloadCommand: `echo reload >> ${marker}` });
    expect(await applier.apply(rendered())).toEqual({ kind: 'reloaded' });
    const broken = rendered({ ...LB_SETTING, Value: { ...(LB_SETTING.Value as JsonObject), AddHeaders: ['X-Only-One'] } });
    const refused = await applier.apply(broken);
    expect(refused).toMatchObject({ kind: 'invalid', output: expect.stringContaining('invalid number of arguments in "add_header"') });
    expect(await readFile(join(dir, 'edge.conf'), 'utf8')).toBe(rendered());
    expect(await applier.apply(rendered())).toEqual({ kind: 'unchanged' });
    expect(await readFile(marker, 'utf8')).toBe('reload\n');
    expect((await readdir(dir)).sort()).toEqual(['edge.conf', 'reloads']);
  });

  it('reloads again on the next apply when a reload failed', async () => {
    const flag = join(dir, 'fail');
    await writeFile(flag, '');
    const applier = createNginxApplier(nodeEdgeHost, { confDir: dir, fileName: 'edge.conf', nginx: NGINX, reloadCommand: `test ! -e ${flag}` });
    expect(await applier.apply(rendered())).toMatchObject({ kind: 'reload-failed' });
    await rm(flag);
    expect(await applier.apply(rendered())).toEqual({ kind: 'reloaded' });
    expect(await applier.apply(rendered())).toEqual({ kind: 'unchanged' });
  });
});
