// The traffic routes (SPEC §7, §11) over memory stores and the real built-in registry, whose health answers decide
// whether a slice may take traffic. Lives in apps/server for the same reason as service-state-api.test.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInProcessEventBus, createMemoryCompute, createMemoryConfigStore, createMemoryDeploymentStore } from '@envmgr/adapter-memory';
import { createBuiltinRegistry, type BuiltinRegistry } from '@envmgr/adapter-registry-builtin';
import { bootstrapAdmin } from '@envmgr/app';
import { itemFacts, type Deployment, type EntityType, type JsonObject } from '@envmgr/domain';
import { deploymentIndex, type ConfigStore, type DeploymentStore, type EmEvent } from '@envmgr/ports';
import { aTestApp, type TestApp } from '@envmgr/http/testing';

const NOW = Date.UTC(2026, 10, 23, 12);
const S = '/api/v1/services';
const U = '/api/v1/upstreams';

const env = (name: string, cluster = 'Infra'): JsonObject => ({ EnvironmentName: name, Value: { EnvironmentType: 'Dev', OwningCluster: cluster, DeploymentMap: 'Standard' } });
const HELLO: JsonObject = { ServiceName: 'Hello', OwningCluster: 'Infra', Value: { BluePort: 40100, GreenPort: 40101 } };
const host = (e: string, slice: 'blue' | 'green', State: 'up' | 'down'): JsonObject => ({ DnsName: `${e}-Hello-${slice}`, Port: slice === 'blue' ? 40100 : 40101, State });
const upstream = (e: string, name: string, hosts: JsonObject[]): JsonObject => ({ key: `/${e}_${name}/config`, Value: { EnvironmentName: e, UpstreamName: name, ServiceName: 'Hello', Hosts: hosts } });

interface Fixture {
  t: TestApp;
  store: ConfigStore;
  registry: BuiltinRegistry;
  deployments: DeploymentStore;
  events: EmEvent[];
  dir: string;
}

async function setUp(opts: { realAuth?: boolean; store?: ConfigStore } = {}): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'envmgr-traffic-'));
  const registry = createBuiltinRegistry({ path: join(dir, 'registry.db') });
  const bus = createInProcessEventBus({ now: () => NOW });
  const events: EmEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const store = opts.store ?? createMemoryConfigStore();
  const deployments = createMemoryDeploymentStore({ indexOf: deploymentIndex });
  const compute = createMemoryCompute({ clock: { now: () => NOW }, autoConverge: false });
  const t = aTestApp({ store, runtime: { compute, registry, deployments, events: bus }, ...(opts.realAuth ? { realAuth: true } : {}) });
  const f = { t, store, registry, deployments, events, dir };
  await seed(f, 'services', 'Hello', HELLO);
  await seed(f, 'environments', 'c50', env('c50'));
  await seed(f, 'environments', 'w1', env('w1', 'Web'));
  await seed(f, 'upstreams', '/c50_c50-hello/config', upstream('c50', 'c50-hello', [host('c50', 'blue', 'up'), host('c50', 'green', 'down')]));
  await seed(f, 'upstreams', '/w1_w1-hello/config', upstream('w1', 'w1-hello', [host('w1', 'blue', 'up'), host('w1', 'green', 'down')]));
  await healthy(f, 'c50-Hello-blue', 'i-01');
  await healthy(f, 'c50-Hello-green', 'i-01');
  await healthy(f, 'w1-Hello-green', 'i-02');
  return f;
}

async function tearDown(f: Fixture): Promise<void> {
  await f.registry.close();
  await rm(f.dir, { recursive: true, force: true });
}

/** Stores an item with its indexes (upstreams are listed by environment and service); references are not checked. */
async function seed(f: Pick<Fixture, 'store'>, type: EntityType, key: string, data: JsonObject): Promise<void> {
  await f.store.commit([{ op: 'create', type, key, data, ...itemFacts(type, data), references: [] }], { actor: 'seed', requestId: 'r', at: '2026-01-01T00:00:00Z' });
}

/** Registers an instance of a slice on a node, as its agent does, with a TTL check reported passing (or failing). */
async function healthy(f: Fixture, name: string, node: string, passing = true): Promise<void> {
  const n = f.registry.asNode({ name: node, address: '127.0.0.1' });
  await n.registerService({ id: name, name, port: 41000, checks: [{ type: 'ttl', id: `${name}:health`, ttlMs: 600_000 }] });
  if (passing) await n.passCheck(`${name}:health`);
  else await n.failCheck(`${name}:health`, 'HTTP GET /health: 503');
}

const statesOf = async (f: Fixture, key: string) => {
  const item = await f.store.get('upstreams', key);
  return ((item?.data.Value as JsonObject).Hosts as { DnsName: string; State: string }[]).map((h) => `${h.DnsName}:${h.State}`);
};

/** A deployment record as the store keeps it; only the fields the toggle reads matter here. */
function aDeploymentInProgress(): Deployment {
  return { id: 'd-42', state: 'deploying', requestedAtMs: NOW, plan: { environment: 'c50', service: 'Hello', slice: 'green' } } as unknown as Deployment;
}

describe('slices of upstreams and services', () => {
  let f: Fixture;
  beforeEach(async () => (f = await setUp()));
  afterEach(() => tearDown(f));

  it('GET /upstreams/{name}/slices answers EM’s record per host; active filters; an unknown name is 404', async () => {
    const r = await f.t.call('GET', `${U}/C50-HELLO/slices`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual([
      { Key: '/c50_c50-hello/config', EnvironmentName: 'c50', ServiceName: 'Hello', UpstreamName: 'c50-hello', DnsName: 'c50-Hello-blue', Port: 40100, OwningCluster: 'Infra', Name: 'Blue', State: 'Active' },
      { Key: '/c50_c50-hello/config', EnvironmentName: 'c50', ServiceName: 'Hello', UpstreamName: 'c50-hello', DnsName: 'c50-Hello-green', Port: 40101, OwningCluster: 'Infra', Name: 'Green', State: 'Inactive' },
    ]);
    expect((await f.t.call('GET', `${U}/c50-hello/slices?active=false`)).body.map((s: { DnsName: string }) => s.DnsName)).toEqual(['c50-Hello-green']);
    expect((await f.t.call('GET', `${U}/c50-hello/slices?environment=w1`)).body).toMatchObject({ status: 404, code: 'not-found' });
    expect((await f.t.call('GET', `${U}/c50-hello/slices?active=maybe`)).body).toMatchObject({ status: 400, errors: [{ path: 'query.active' }] });
  });

  it('GET /services/{service}/slices fills `active` from the upstreams and lists their hosts', async () => {
    const r = await f.t.call('GET', `${S}/hello/slices?environment=c50`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.slices.map((s: { slice: string; active: boolean | null }) => [s.slice, s.active])).toEqual([['blue', true], ['green', false]]);
    expect(r.body.upstreams.map((u: { DnsName: string; State: string }) => `${u.DnsName} ${u.State}`)).toEqual(['c50-Hello-blue Active', 'c50-Hello-green Inactive']);
    const active = await f.t.call('GET', `${S}/Hello/slices?environment=c50&active=true`);
    expect(active.body.slices.map((s: { slice: string }) => s.slice)).toEqual(['blue']);
    expect(active.body.upstreams).toHaveLength(1);
  });
});

describe('PUT /services/{service}/slices/toggle', () => {
  let f: Fixture;
  beforeEach(async () => (f = await setUp()));
  afterEach(() => tearDown(f));

  it('flips the service’s upstreams in the environment, audited, announced, and only there', async () => {
    const r = await f.t.call('PUT', `${S}/Hello/slices/toggle?environment=c50`, { headers: { 'x-test-user': 'alice' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({
      ToggledUpstreams: ['c50-hello'],
      UnchangedUpstreams: [],
      EnvironmentName: 'c50',
      ServiceName: 'Hello',
      Upstreams: [{ UpstreamName: 'c50-hello', Key: '/c50_c50-hello/config', ActiveSlice: 'green', Version: 2 }],
    });
    expect(await statesOf(f, '/c50_c50-hello/config')).toEqual(['c50-Hello-blue:down', 'c50-Hello-green:up']);
    expect(await statesOf(f, '/w1_w1-hello/config')).toEqual(['w1-Hello-blue:up', 'w1-Hello-green:down']);
    const [audit] = await f.store.queryAudit({ entityType: 'upstreams', key: '/c50_c50-hello/config', limit: 1 });
    expect(audit).toMatchObject({ actor: 'alice', version: 2 });
    expect(f.events.filter((e) => e.type === 'traffic.toggled').map((e) => e.subject)).toEqual([{ environment: 'c50', service: 'Hello' }]);
    // and back again
    expect((await f.t.call('PUT', `${S}/Hello/slices/toggle?environment=c50`)).body.Upstreams[0]).toMatchObject({ ActiveSlice: 'blue', Version: 3 });
  });

  it('with active=…, moves to that slice; asking for the active slice writes nothing', async () => {
    const same = await f.t.call('PUT', `${S}/Hello/slices/toggle?environment=c50&active=blue`);
    expect(same.body).toMatchObject({ ToggledUpstreams: [], UnchangedUpstreams: ['c50-hello'], Upstreams: [{ ActiveSlice: 'blue', Version: 1 }] });
    const green = await f.t.call('PUT', `${S}/Hello/slices/toggle?environment=c50&active=green`);
    expect(green.body).toMatchObject({ ToggledUpstreams: ['c50-hello'], Upstreams: [{ ActiveSlice: 'green', Version: 2 }] });
    expect((await f.t.call('PUT', `${S}/Hello/slices/toggle?environment=c50&active=purple`)).body).toMatchObject({ status: 400, errors: [{ path: 'query.active' }] });
  });

  it('answers 404 for an unknown environment or service, and for a service without upstreams there', async () => {
    expect((await f.t.call('PUT', `${S}/Hello/slices/toggle?environment=nope`)).body).toMatchObject({ status: 404, code: 'not-found' });
    expect((await f.t.call('PUT', `${S}/Nope/slices/toggle?environment=c50`)).body).toMatchObject({ status: 404, code: 'not-found' });
    await seed(f, 'environments', 'c51', env('c51'));
    const none = await f.t.call('PUT', `${S}/Hello/slices/toggle?environment=c51`);
    expect(none.body).toMatchObject({ status: 404, code: 'no-upstreams', environment: 'c51', service: 'Hello' });
  });

  it('refuses 422 upstream-not-toggleable when any upstream breaks the rules, writing none', async () => {
    await seed(f, 'upstreams', '/c50_c50-hello-admin/config', upstream('c50', 'c50-hello-admin', [host('c50', 'blue', 'up'), host('c50', 'green', 'up')]));
    const r = await f.t.call('PUT', `${S}/Hello/slices/toggle?environment=c50`);
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'upstream-not-toggleable', problems: [{ upstream: 'c50-hello-admin', reason: 'both its hosts are up; set one of them down first, so that one slice is active' }] });
    expect(await statesOf(f, '/c50_c50-hello/config')).toEqual(['c50-Hello-blue:up', 'c50-Hello-green:down']);
  });

  it('refuses 422 slice-unhealthy when the slice to activate has no passing instance', async () => {
    await healthy(f, 'c50-Hello-green', 'i-01', false);
    const r = await f.t.call('PUT', `${S}/Hello/slices/toggle?environment=c50&active=green`);
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'slice-unhealthy', slice: 'green', registryNames: ['c50-Hello-green'] });
    expect(r.body.detail).toMatch(/^slice green of Hello in c50 has no healthy instance/);
  });

  it('refuses 409 deployment-in-progress while a deployment of the service to the environment runs', async () => {
    await f.deployments.create(aDeploymentInProgress());
    const r = await f.t.call('PUT', `${S}/Hello/slices/toggle?environment=c50`);
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'deployment-in-progress', activeDeploymentId: 'd-42' });
    expect((await f.t.call('PUT', `${S}/Hello/slices/toggle?environment=w1`)).status).toBe(200);
  });
});

describe('a toggle racing another write', () => {
  it('answers 409 version-conflict and writes nothing when an upstream changed between the check and the write', async () => {
    const memory = createMemoryConfigStore();
    let interfere = false;
    // another writer toggles c50-hello just before this request's commit
    const store: ConfigStore = {
      ...memory,
      get: (t, k) => memory.get(t, k),
      list: (t, q) => memory.list(t, q),
      referrers: (t, l) => memory.referrers(t, l),
      queryAudit: (q) => memory.queryAudit(q),
      auditChain: (a, l) => memory.auditChain(a, l),
      close: () => memory.close(),
      async commit(changes, ctx) {
        if (interfere) {
          interfere = false;
          const item = await memory.get('upstreams', '/c50_c50-hello/config');
          if (item) await memory.commit([{ op: 'update', type: 'upstreams', key: item.key, data: item.data, expectedVersion: item.version, ...itemFacts('upstreams', item.data) }], ctx);
        }
        return memory.commit(changes, ctx);
      },
    };
    const f = await setUp({ store });
    try {
      interfere = true;
      const r = await f.t.call('PUT', `${S}/Hello/slices/toggle?environment=c50`);
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ code: 'version-conflict', key: '/c50_c50-hello/config', expectedVersion: 1, currentVersion: 2 });
      expect(await statesOf(f, '/c50_c50-hello/config')).toEqual(['c50-Hello-blue:up', 'c50-Hello-green:down']);
    } finally {
      await tearDown(f);
    }
  });
});

describe('PUT /upstreams/{name}/slices/toggle', () => {
  let f: Fixture;
  beforeEach(async () => (f = await setUp()));
  afterEach(() => tearDown(f));

  it('toggles one upstream by name, ignoring case', async () => {
    const r = await f.t.call('PUT', `${U}/C50-Hello/slices/toggle`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ ToggledUpstreams: ['c50-hello'], Upstreams: [{ ActiveSlice: 'green' }] });
  });

  it('refuses 422 ambiguous-upstream when the name matches in several environments; environment picks one; unknown is 404', async () => {
    await seed(f, 'environments', 'c5', env('c5'));
    // Names start with their environment's, so valid upstreams never share one; an item stored around the API's
    // rules (here directly in the store) is the only way to get two
    await seed(f, 'upstreams', '/c5_c50-hello/config', upstream('c5', 'c50-hello', [host('c5', 'blue', 'up'), host('c5', 'green', 'down')]));
    const both = await f.t.call('PUT', `${U}/c50-hello/slices/toggle`);
    expect(both.status, JSON.stringify(both.body)).toBe(422);
    expect(both.body).toMatchObject({ code: 'ambiguous-upstream', keys: ['/c50_c50-hello/config', '/c5_c50-hello/config'] });
    expect((await f.t.call('PUT', `${U}/c50-hello/slices/toggle?environment=c50`)).status).toBe(200);
    expect((await f.t.call('PUT', `${U}/nope/slices/toggle`)).body).toMatchObject({ status: 404, code: 'not-found' });
  });
});

describe('who may toggle', () => {
  let f: Fixture;
  const headers: Record<string, Record<string, string>> = {};

  beforeEach(async () => {
    f = await setUp({ realAuth: true });
    await bootstrapAdmin(f.t.identity, 'admin-password-1', 'boot');
    const sign = async (username: string, password: string) => ({
      authorization: `Bearer ${(await f.t.call('POST', '/api/v1/token', { body: { username, password } })).body.token as string}`,
    });
    headers.admin = await sign('admin', 'admin-password-1');
    const roles: Record<string, JsonObject[]> = {
      // toggles of the Infra cluster's environments, of every type (SPEC §9 example #9's shape)
      'infra-ops': [{ Resource: '/{services,upstreams}/*/slices/toggle', Access: 'PUT', Clusters: ['Infra'], EnvironmentTypes: 'all' }],
      reader: [],
    };
    for (const [user, permissions] of Object.entries(roles)) {
      await f.t.call('POST', '/api/v1/config/users', { body: { UserName: user, Value: {} }, headers: headers.admin });
      if (permissions.length) await f.t.call('POST', '/api/v1/config/permissions', { body: { Name: user, Permissions: permissions }, headers: headers.admin });
      await f.t.call('PUT', `/api/v1/users/${user}/password`, { body: { password: `${user}-password-1` }, headers: headers.admin });
      headers[user] = await sign(user, `${user}-password-1`);
    }
  });
  afterEach(() => tearDown(f));

  it("allows PUT on the toggle path for the environment's cluster and type", async () => {
    expect((await f.t.call('PUT', `${S}/Hello/slices/toggle?environment=c50`, { headers: headers['infra-ops'] })).status).toBe(200);
    expect((await f.t.call('PUT', `${U}/c50-hello/slices/toggle`, { headers: headers['infra-ops'] })).status).toBe(200);
  });

  it("refuses 403 in another cluster's environment, naming the missing cluster, and writes nothing", async () => {
    for (const path of [`${S}/Hello/slices/toggle?environment=w1`, `${U}/w1-hello/slices/toggle`]) {
      const r = await f.t.call('PUT', path, { headers: headers['infra-ops'] });
      expect(r.status, path).toBe(403);
      expect(r.body).toMatchObject({ code: 'permission-denied', missing: { clusters: ['Web'] } });
    }
    expect(await statesOf(f, '/w1_w1-hello/config')).toEqual(['w1-Hello-blue:up', 'w1-Hello-green:down']);
  });

  it('refuses 403 to a user without the permission and 401 to nobody; signed-in users may read slices', async () => {
    expect((await f.t.call('PUT', `${S}/Hello/slices/toggle?environment=c50`, { headers: headers.reader })).status).toBe(403);
    expect((await f.t.call('PUT', `${S}/Hello/slices/toggle?environment=c50`)).status).toBe(401);
    expect((await f.t.call('GET', `${U}/c50-hello/slices`)).status).toBe(401);
    expect((await f.t.call('GET', `${U}/c50-hello/slices`, { headers: headers.reader })).status).toBe(200);
  });
});
