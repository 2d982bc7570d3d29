import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildRoutingTable, readUpstream, type JsonObject, type RoutingTable } from '@envmgr/domain';
import type { Indexed, Registry, ServiceHealth } from '@envmgr/ports';
import { createEdgeRouter, type EdgeRouter } from './edge-router.js';

/**
 * The registry's `health/service` with Consul's blocking semantics, and nothing else: what the router reads. Each
 * `set` takes a new index and wakes the reads blocked on that name.
 */
function aFakeRegistry() {
  let index = 10;
  const services = new Map<string, { index: number; ports: number[] }>();
  const waiters = new Set<() => void>();
  const healthOf = (name: string): Indexed<ServiceHealth[]> => {
    const s = services.get(name);
    const value = (s?.ports ?? []).map((port, i) => ({
      node: { node: `i-${i}`, address: '127.0.0.1' },
      service: { id: name, name, tags: [], address: '127.0.0.1', port, meta: {} },
      checks: [],
    }));
    return { index: s?.index ?? 1, value };
  };
  const registry = {
    async healthService(name: string, opts: { index?: number; waitMs?: number; signal?: AbortSignal } = {}) {
      const deadline = Date.now() + (opts.waitMs ?? 300_000);
      while (opts.index && healthOf(name).index <= opts.index && Date.now() < deadline) {
        if (opts.signal?.aborted) throw opts.signal.reason;
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            resolve();
          };
          waiters.add(wake);
          opts.signal?.addEventListener('abort', wake, { once: true });
          setTimeout(wake, Math.max(1, deadline - Date.now())).unref();
        });
      }
      return healthOf(name);
    },
  };
  return {
    registry: registry as unknown as Registry,
    set(name: string, ports: number[]) {
      services.set(name, { index: ++index, ports });
      for (const w of [...waiters]) w();
    },
  };
}

interface Backend {
  port: number;
  server: Server;
  hits: string[];
}

/** An instance answering `<label> <path>`; `/slow` answers after 400 ms. */
async function aBackend(label: string): Promise<Backend> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const send = () => res.end(`${label} ${req.url ?? ''} host=${req.headers.host ?? ''} xff=${String(req.headers['x-forwarded-for'] ?? '')}`);
    if (req.url?.startsWith('/slow')) setTimeout(send, 400);
    else send();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, server, hits };
}

/** A port nothing listens on (a server that was started and closed). */
async function aDeadPort(): Promise<number> {
  const b = await aBackend('dead');
  await new Promise<void>((r) => b.server.close(() => r()));
  return b.port;
}

function get(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const SERVICE: JsonObject = { ServiceName: 'Hello', Value: { BluePort: 40100, GreenPort: 40101 } };

function tableOf(state: { blueUp: boolean; extraLocations?: JsonObject[]; maintenance?: boolean }): RoutingTable {
  const upstream = readUpstream({
    key: '/dev1_dev1-hello/config',
    version: 1,
    data: {
      Value: {
        EnvironmentName: 'dev1',
        UpstreamName: 'dev1-hello',
        ServiceName: 'Hello',
        Hosts: [
          { DnsName: 'dev1-Hello-blue', Port: 40100, State: state.blueUp ? 'up' : 'down' },
          { DnsName: 'dev1-Hello-green', Port: 40101, State: state.blueUp ? 'down' : 'up' },
        ],
      },
    },
  });
  return buildRoutingTable({
    services: [SERVICE],
    upstreams: upstream ? [upstream] : [],
    lbSettings: [
      {
        EnvironmentName: 'dev1',
        VHostName: 'hello',
        Value: {
          ServerName: ['hello.dev1.example.com'],
          ...(state.maintenance ? { SiteInMaintenance: true } : {}),
          Locations: [{ Path: '/', ProxyPass: 'http://dev1-hello' }, { Path: '/v2/', ProxyPass: 'http://dev1-hello/' }, ...(state.extraLocations ?? [])],
        },
      },
    ],
  });
}

describe('the edge router', () => {
  let fake: ReturnType<typeof aFakeRegistry>;
  let blue: Backend[];
  let green: Backend;
  let router: EdgeRouter;
  let state: Parameters<typeof tableOf>[0];
  let notify: () => void = () => undefined;
  const HOST = { host: 'hello.dev1.example.com' };

  beforeEach(async () => {
    fake = aFakeRegistry();
    blue = [await aBackend('blue-a'), await aBackend('blue-b')];
    green = await aBackend('green');
    fake.set('dev1-Hello-blue', blue.map((b) => b.port));
    fake.set('dev1-Hello-green', [green.port]);
    state = { blueUp: true };
    router = await createEdgeRouter({
      registry: fake.registry,
      port: 0,
      loadRoutes: async () => tableOf(state),
      subscribeToChanges: (l) => {
        notify = l;
        return () => (notify = () => undefined);
      },
      drainTimeoutMs: 2000,
    });
  });

  afterEach(async () => {
    await router.close();
    for (const b of [...blue, green]) await new Promise<void>((r) => b.server.close(() => r()));
  });

  it('routes a virtual host to the passing instances of the up slice, in turn, keeping the Host and adding X-Forwarded-For', async () => {
    const answers = await Promise.all([1, 2, 3, 4].map(() => get(router.url, '/x?y=1', HOST)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(answers.map((a) => a.body.split(' ')[0]).sort()).toEqual(['blue-a', 'blue-a', 'blue-b', 'blue-b']);
    expect(answers[0]?.body).toContain('/x?y=1 host=hello.dev1.example.com xff=127.0.0.1');
    expect(answers[0]?.headers).toMatchObject({ 'x-envmgr-slice': 'blue', 'x-envmgr-upstream': 'dev1-hello' });
  });

  it('sends X-Envmgr-Slice requests to that slice: the test address of the inactive slice', async () => {
    expect((await get(router.url, '/', { ...HOST, 'x-envmgr-slice': 'green' })).body).toMatch(/^green /);
    expect((await get(router.url, '/', { ...HOST, 'x-envmgr-slice': 'inactive' })).body).toMatch(/^green /);
    expect((await get(router.url, '/', { ...HOST, 'x-envmgr-slice': 'purple' })).status).toBe(400);
  });

  it('answers by name on loopback (<vhost>.<env>.localhost), rewrites a location’s URI, and refuses unknown hosts', async () => {
    expect((await get(router.url, '/v2/items', { host: 'hello.dev1.localhost:1234' })).body).toMatch(/^blue-. \/items /);
    const unknown = await get(router.url, '/', { host: 'nope.example.com' });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ code: 'no-virtual-host' });
  });

  it('switches to the other slice as soon as it hears of a change, and back', async () => {
    state = { blueUp: false };
    notify();
    await router.reload();
    expect((await get(router.url, '/', HOST)).body).toMatch(/^green /);
    state = { blueUp: true };
    await router.reload();
    expect((await get(router.url, '/', HOST)).body).toMatch(/^blue-/);
  });

  it('lets a request in flight finish on the slice it was sent to when traffic switches', async () => {
    const slow = get(router.url, '/slow', HOST);
    await new Promise((r) => setTimeout(r, 100));
    state = { blueUp: false };
    await router.reload();
    expect((await get(router.url, '/', HOST)).body).toMatch(/^green /);
    const done = await slow;
    expect(done.status).toBe(200);
    expect(done.body).toMatch(/^blue-. \/slow/);
  });

  it('follows the registry: an instance that joins takes traffic, one that leaves does not; none left is 503', async () => {
    const extra = await aBackend('blue-c');
    try {
      fake.set('dev1-Hello-blue', [extra.port]);
      await expect.poll(async () => (await get(router.url, '/', HOST)).body.split(' ')[0], { timeout: 2000 }).toBe('blue-c');
      fake.set('dev1-Hello-blue', []);
      await expect.poll(async () => (await get(router.url, '/', HOST)).status, { timeout: 2000 }).toBe(503);
      expect(JSON.parse((await get(router.url, '/', HOST)).body)).toMatchObject({ code: 'no-healthy-instance' });
    } finally {
      await new Promise<void>((r) => extra.server.close(() => r()));
    }
  });

  it('sends a bodiless request to another instance when one refuses the connection', async () => {
    fake.set('dev1-Hello-blue', [await aDeadPort(), blue[0]!.port]);
    await expect.poll(() => router.status().upstreams[0]?.hosts[0]?.instances, { timeout: 2000 }).toBe(2);
    const answers = await Promise.all([1, 2, 3, 4].map(() => get(router.url, '/', HOST)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(answers.every((a) => a.body.startsWith('blue-a'))).toBe(true);
  });

  it('answers 504 when an instance does not answer in time, without trying another', async () => {
    const impatient = await createEdgeRouter({ registry: fake.registry, port: 0, loadRoutes: async () => tableOf(state), subscribeToChanges: () => () => undefined, proxyTimeoutMs: 150 });
    try {
      const r = await get(impatient.url, '/slow', HOST);
      expect(r.status).toBe(504);
      expect(JSON.parse(r.body)).toMatchObject({ code: 'instance-timeout' });
      await new Promise((done) => setTimeout(done, 400));
      expect(blue.flatMap((b) => b.hits).filter((h) => h === '/slow')).toHaveLength(1);
    } finally {
      await impatient.close();
    }
  });

  it('answers maintenance, ReturnCode and unroutable locations itself', async () => {
    state = { blueUp: true, extraLocations: [{ Path: '= /gone', ReturnCode: 301, ReturnURI: 'https://example.com/' }, { Path: '/other', ProxyPass: 'http://dev1-other' }] };
    await router.reload();
    const gone = await get(router.url, '/gone', HOST);
    expect([gone.status, gone.headers.location]).toEqual([301, 'https://example.com/']);
    expect((await get(router.url, '/other', HOST)).status).toBe(502);
    expect(router.status().problems).toHaveLength(1);
    state = { blueUp: true, maintenance: true };
    await router.reload();
    expect((await get(router.url, '/', HOST)).status).toBe(503);
  });

  it('keeps the routes it has when reading new ones fails', async () => {
    const broken = createEdgeRouter({
      registry: fake.registry,
      port: 0,
      loadRoutes: async () => {
        if (state.blueUp) return tableOf(state);
        throw new TypeError('store unavailable');
      },
      subscribeToChanges: () => () => undefined,
    });
    const r = await broken;
    try {
      state = { blueUp: false };
      await r.reload();
      expect(r.status().lastError).toBe('store unavailable');
      expect((await get(r.url, '/', HOST)).body).toMatch(/^blue-/);
    } finally {
      await r.close();
    }
  });
});
