import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './testing.js';
import { freePort, HAS_NGINX, NGINX, startEdge, startNginx, viaNginx as viaNginxAs } from './testing-nginx.js';

// Issue 7 item 4 with Debian's nginx (TOOLING.md): the built `envmgr edge` follows a load-balancer group through the
// API of a real EM and keeps an nginx, started here on loopback with its own prefix, pid and logs, configured. A toggle
// moves nginx's traffic to the other slice without a failed request; a rendering nginx -t refuses is never loaded.
const VHOST_HOST = 'hello.edge1.test';
const viaNginx = (port: number) => viaNginxAs(port, VHOST_HOST);
if (!HAS_NGINX) console.warn(`nginx-edge.int.test.ts skipped: ${NGINX} is missing (apt-get install nginx-light; .ci/run installs it)`);

interface Fixture {
  em: RunningServer;
  dir: string;
  nginxPort: number;
  backends: HttpServer[];
  nginx: ChildProcess;
  edge: ChildProcess;
  edgeLog: () => string;
  confFile: string;
}

let f: Fixture;

/** A backend that answers its slice's name. */
async function backend(name: string): Promise<HttpServer> {
  const server = createServer((_req, res) => res.end(name));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return server;
}

const portOf = (s: HttpServer) => (s.address() as AddressInfo).port;

async function waitFor(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new TypeError(`timed out waiting for ${what}; edge log:\n${f.edgeLog()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await f.em.fetch(`/api/v1/${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function create(type: string, item: unknown): Promise<void> {
  const r = await api('POST', `config/${type}`, item);
  if (r.status !== 201) throw new TypeError(`create ${type}: ${r.status} ${JSON.stringify(r.body)}`);
}

function lbSetting(extra: Record<string, unknown> = {}) {
  return {
    EnvironmentName: 'edge1',
    VHostName: 'hello',
    Value: { ServerName: [VHOST_HOST], Listen: [{ Port: f.nginxPort, IP: '127.0.0.1' }], Locations: [{ Path: '/', ProxyPass: 'http://edge1-hello' }], ...extra },
  };
}

async function updateLbSetting(extra: Record<string, unknown>, status = 200): Promise<unknown> {
  const current = await api('GET', 'config/lb-settings/edge1/hello');
  const r = await api('PUT', 'config/lb-settings/edge1/hello', lbSetting(extra), { 'expected-version': String(current.body.Version) });
  if (r.status !== status) throw new TypeError(`update lb setting: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function seed(blue: number, green: number): Promise<void> {
  await create('clusters', { ClusterName: 'Infra', Value: { ShortName: 'IN' } });
  await create('environment-types', { EnvironmentType: 'Edge', Value: { SchemaVersion: 5 } });
  await create('services', { ServiceName: 'Hello', OwningCluster: 'Infra', Value: { BluePort: blue, GreenPort: green } });
  await create('deployment-maps', { DeploymentMapName: 'Standard', Value: { DeploymentTarget: [] } });
  await create('environments', { EnvironmentName: 'edge1', Value: { EnvironmentType: 'Edge', OwningCluster: 'Infra', DeploymentMap: 'Standard' } });
  // dotted host names are sent to as they are (no registry lookup): the two backends on loopback
  await create('upstreams', {
    Value: { EnvironmentName: 'edge1', UpstreamName: 'edge1-hello', ServiceName: 'Hello', Hosts: [{ DnsName: '127.0.0.1', Port: blue, State: 'up' }, { DnsName: '127.0.0.1', Port: green, State: 'down' }] },
  });
  await create('lb-settings', lbSetting());
}

describe.skipIf(!HAS_NGINX)('envmgr edge with a real nginx', () => {
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'envmgr-nginx-'));
    const backends = [await backend('blue'), await backend('green')];
    const em = await startServer();
    f = { em, dir, nginxPort: await freePort(), backends } as Fixture;
    await seed(portOf(backends[0]!), portOf(backends[1]!));
    const { nginx, main, confDir } = await startNginx(dir);
    const { edge, log } = startEdge({ em, dir, group: 'Edge', main, confDir, args: ['--registry-domain', '', '--interval', '60'] });
    Object.assign(f, { nginx, edge, edgeLog: log, confFile: join(confDir, 'envmgr-edge.conf') });
  }, 60_000);

  afterAll(async () => {
    if (!f) return;
    f.edge?.kill('SIGTERM');
    f.nginx?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    await f.em.stop();
    for (const b of f.backends) b.close();
    await rm(f.dir, { recursive: true, force: true });
  });

  it('renders the group, passes nginx -t and reloads: nginx sends the vhost to the active slice', async () => {
    await waitFor('nginx to answer blue', async () => (await viaNginx(f.nginxPort)).body === 'blue');
    const conf = await readFile(f.confFile, 'utf8');
    expect(conf).toContain(`server 127.0.0.1:${portOf(f.backends[1]!)} down;`);
    expect(f.edgeLog()).toContain('following changes on GET /api/v1/events');
  });

  it('moves traffic to the other slice on a toggle, without a failed request', async () => {
    const samples: { at: number; status: number; body: string }[] = [];
    let running = true;
    const loop = (async () => {
      while (running) {
        const pending = viaNginx(f.nginxPort).then((r) => void samples.push({ at: Date.now(), ...r }));
        await new Promise((r) => setTimeout(r, 20));
        if (!running) await pending;
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    const toggledAt = Date.now();
    const toggle = await api('PUT', 'services/Hello/slices/toggle?environment=edge1&active=green');
    expect(toggle.status).toBe(200);
    await waitFor('nginx to answer green', () => samples.some((s) => s.at > toggledAt && s.body === 'green'));
    const switchedMs = Math.min(...samples.filter((s) => s.body === 'green').map((s) => s.at)) - toggledAt;
    await new Promise((r) => setTimeout(r, 500));
    running = false;
    await loop;
    expect(samples.length).toBeGreaterThan(40);
    expect(samples.filter((s) => s.status !== 200)).toEqual([]);
    // the toggle reaches the edge through the event stream, not its 60 s poll
    expect(switchedMs).toBeLessThan(5000);
    expect(samples.at(-1)?.body).toBe('green');
  }, 30_000);

  it('never loads a rendering nginx -t refuses: the last good configuration keeps serving', async () => {
    const good = await readFile(f.confFile, 'utf8');
    // proxy_set_header with one argument: the renderer takes it as written, nginx -t refuses it
    await updateLbSetting({ ProxySetHeaders: ['X-Only-One-Argument'] });
    await waitFor('the edge to log nginx -t refusing', () => f.edgeLog().includes('nginx -t refused the rendering'));
    expect(f.edgeLog()).toContain('invalid number of arguments in "proxy_set_header"');
    // a toggle now changes nothing nginx serves: the refused rendering includes it
    expect((await api('PUT', 'services/Hello/slices/toggle?environment=edge1&active=blue')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await readFile(f.confFile, 'utf8')).toBe(good);
    expect(await viaNginx(f.nginxPort)).toEqual({ status: 200, body: 'green' });

    // a value the renderer refuses itself is refused by the API with its field path, and nothing changes either
    const refused = await updateLbSetting({ ServerName: [`${VHOST_HOST} other`] }, 400);
    expect(JSON.stringify(refused)).toContain('Value.ServerName.0');
    expect(await viaNginx(f.nginxPort)).toEqual({ status: 200, body: 'green' });

    // fixed: the next change is rendered, tested and loaded
    await updateLbSetting({});
    await waitFor('nginx to answer blue', async () => (await viaNginx(f.nginxPort)).body === 'blue');
  }, 30_000);
});
