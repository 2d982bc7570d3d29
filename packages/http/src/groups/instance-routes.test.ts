import { beforeEach, describe, expect, it } from 'vitest';
import { createInProcessEventBus, createMemoryCompute, createMemoryDeploymentStore, type MemoryCompute } from '@envmgr/adapter-memory';
import { bootstrapAdmin } from '@envmgr/app';
import { deploymentIndex, type EmEvent, type GroupSpec, type Registry } from '@envmgr/ports';
import { aTestApp, type TestApp } from '../testing.js';

const NOW = Date.UTC(2026, 10, 23, 12);

function groupSpec(env: string, cluster: string, desired: number): GroupSpec {
  return {
    name: `${env}-${cluster}-Web`,
    tags: { EnvironmentType: 'Dev', Environment: env, OwningCluster: cluster, Role: 'Web', Schedule: '' },
    size: { min: 0, desired, max: 5 },
    launch: { image: 'Ubuntu-22.04.1', instanceType: 't3.small', subnetType: 'PrivateApp', securityZone: 'Other', instanceProfile: 'roleInfraWeb', volumes: [] },
    instanceNamePrefix: `${env}-${cluster}`,
  };
}

/** The registry's key/value part over a map: all the maintenance route writes (see group-routes.test.ts). */
function kvOnly(): { registry: Registry; kv: Map<string, string> } {
  const kv = new Map<string, string>();
  const unused = () => Promise.reject(new Error('not part of this test double'));
  const registry: Registry = {
    kvGet: async (key) => ({ index: 1, value: kv.has(key) ? { key, value: kv.get(key) ?? '', flags: 0, createIndex: 1, modifyIndex: 1, lockIndex: 0 } : undefined }),
    kvList: unused,
    kvKeys: async (prefix) => ({ index: 1, value: [...kv.keys()].filter((k) => k.startsWith(prefix)).sort() }),
    kvPut: async (key, value) => !!kv.set(key, value),
    kvDelete: async (key) => (kv.delete(key), true),
    catalogServices: unused,
    catalogService: unused,
    catalogNodes: unused,
    healthService: unused,
    healthNode: unused,
    registerService: unused,
    deregisterService: unused,
    passCheck: unused,
    warnCheck: unused,
    failCheck: unused,
    setServiceMaintenance: unused,
  };
  return { registry, kv };
}

interface Fixture {
  t: TestApp;
  compute: MemoryCompute;
  kv: Map<string, string>;
  events: EmEvent[];
}

/** dev1 (cluster Infra) has instances i-…1 and i-…2, dev2 (cluster Example) has i-…3. */
async function setUp(opts: { realAuth?: boolean } = {}): Promise<Fixture> {
  const compute = createMemoryCompute({ clock: { now: () => NOW }, autoConverge: false });
  const { registry, kv } = kvOnly();
  const bus = createInProcessEventBus({ now: () => NOW });
  const events: EmEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const t = aTestApp({ runtime: { compute, registry, deployments: createMemoryDeploymentStore({ indexOf: deploymentIndex }), events: bus }, ...opts });
  await compute.createGroup(groupSpec('dev1', 'Infra', 2));
  await compute.settle();
  await compute.createGroup(groupSpec('dev2', 'Example', 1));
  await compute.settle();
  return { t, compute, kv, events };
}

const ids = (body: { id: string }[]): string[] => body.map((i) => i.id);
const [I1, I2, I3] = ['i-0e000000000000001', 'i-0e000000000000002', 'i-0e000000000000003'];

describe('GET /api/v1/instances', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await setUp();
  });

  it('lists instances in launch order, with tags lifted into fields', async () => {
    const res = await f.t.call('GET', '/api/v1/instances');
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual([I1, I2, I3]);
    expect(res.body[0]).toEqual({
      id: I1,
      name: 'dev1-Infra-0e000000000000001',
      state: 'running',
      privateAddress: '10.0.0.2',
      asg: 'dev1-Infra-Web',
      lifecycleState: 'InService',
      health: 'Healthy',
      launchTime: new Date(NOW).toISOString(),
      environment: 'dev1',
      owningCluster: 'Infra',
      role: 'Web',
      maintenance: false,
      tags: { ...groupSpec('dev1', 'Infra', 2).tags, Name: 'dev1-Infra-0e000000000000001' },
    });
    expect(res.headers.get('x-next-cursor')).toBeNull();
  });

  it.each([
    ['environment=dev2', [I3]],
    ['cluster=Infra', [I1, I2]],
    ['cluster=Infra&environment=dev2', []],
    [`instance_id=${I2}`, [I2]],
    ['ip_address=10.0.0.4', [I3]],
    ['maintenance=false', [I1, I2, I3]],
    ['maintenance=true', []],
  ])('filters with %s', async (query, expected) => {
    expect(ids((await f.t.call('GET', `/api/v1/instances?${query}`)).body)).toEqual(expected);
  });

  it('pages with limit and cursor, and refuses a cursor it did not issue', async () => {
    const first = await f.t.call('GET', '/api/v1/instances?limit=2&cluster=Infra');
    expect(ids(first.body)).toEqual([I1, I2]);
    expect(first.headers.get('x-next-cursor')).toBeNull();
    const page1 = await f.t.call('GET', '/api/v1/instances?limit=2');
    const cursor = page1.headers.get('x-next-cursor') ?? '';
    expect(ids(page1.body)).toEqual([I1, I2]);
    expect(page1.headers.get('link')).toBe(`</api/v1/instances?limit=2&cursor=${cursor}>; rel="next"`);
    const page2 = await f.t.call('GET', `/api/v1/instances?limit=2&cursor=${cursor}`);
    expect(ids(page2.body)).toEqual([I3]);
    expect(page2.headers.get('x-next-cursor')).toBeNull();
    const bad = await f.t.call('GET', '/api/v1/instances?cursor=nonsense');
    expect(bad.body).toMatchObject({ status: 400, code: 'validation-failed', errors: [{ path: 'cursor' }] });
  });

  it.each([
    ['instance_id=i-xyz', 'query.instance_id'],
    ['maintenance=yes', 'query.maintenance'],
    ['limit=0', 'query.limit'],
    ['environment=a%20b', 'query.environment'],
  ])('refuses %s with the field path', async (query, path) => {
    const res = await f.t.call('GET', `/api/v1/instances?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
  });
});

describe('GET /api/v1/instances/{id}', () => {
  it('shows one instance, a terminated one too; 404 for an unknown id, 400 for a malformed one', async () => {
    const f = await setUp();
    expect((await f.t.call('GET', `/api/v1/instances/${I2}`)).body).toMatchObject({ id: I2, state: 'running', asg: 'dev1-Infra-Web' });
    await f.compute.terminateInstances([I2], { decrementDesired: true });
    await f.compute.settle();
    const gone = await f.t.call('GET', `/api/v1/instances/${I2}`);
    expect(gone.body).toMatchObject({ id: I2, state: 'terminated', asg: 'dev1-Infra-Web' });
    expect(gone.body.lifecycleState).toBeUndefined();
    expect((await f.t.call('GET', '/api/v1/instances/i-0000000000000dead')).body).toMatchObject({ status: 404, code: 'not-found' });
    expect((await f.t.call('GET', '/api/v1/instances/web-1')).body).toMatchObject({ status: 400, errors: [{ path: 'param.id' }] });
  });
});

describe('PUT /api/v1/instances/{id}/maintenance', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await setUp();
  });

  it('sets the Maintenance tag and the cold-standby key, and clears them', async () => {
    const on = await f.t.call('PUT', `/api/v1/instances/${I1}/maintenance`, { body: { enable: true }, headers: { 'x-test-user': 'alice', 'x-request-id': 'mnt-1' } });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ id: I1, maintenance: true, tags: expect.objectContaining({ Maintenance: 'true' }) });
    expect(f.kv.get(`nodes/${I1}/cold-standby`)).toBe('In Maintenance');
    expect(ids((await f.t.call('GET', '/api/v1/instances?maintenance=true')).body)).toEqual([I1]);
    expect(f.t.logs).toContainEqual(expect.objectContaining({ msg: 'instance maintenance changed', actor: 'alice', requestId: 'mnt-1', instance: I1, maintenance: true }));
    await expect.poll(() => f.events).toContainEqual(
      expect.objectContaining({ type: 'instance.maintenance', subject: { instance: I1, environment: 'dev1' }, data: expect.objectContaining({ maintenance: true, actor: 'alice' }) }),
    );

    const off = await f.t.call('PUT', `/api/v1/instances/${I1}/maintenance`, { body: { enable: false } });
    expect(off.body).toMatchObject({ maintenance: false, tags: expect.objectContaining({ Maintenance: 'false' }) });
    expect(f.kv.has(`nodes/${I1}/cold-standby`)).toBe(false);
    // idempotent: turning it off again changes nothing and succeeds
    expect((await f.t.call('PUT', `/api/v1/instances/${I1}/maintenance`, { body: { enable: false } })).status).toBe(200);
  });

  it.each([[{}], [{ enable: 'yes' }], [{ enable: true, reason: 'x' }]])('refuses the body %j', async (body) => {
    const res = await f.t.call('PUT', `/api/v1/instances/${I1}/maintenance`, { body });
    expect(res.body).toMatchObject({ status: 400, code: 'validation-failed' });
    expect(f.kv.size).toBe(0);
  });

  it('answers 404 for an unknown instance and 409 for a terminated one', async () => {
    expect((await f.t.call('PUT', '/api/v1/instances/i-0000000000000dead/maintenance', { body: { enable: true } })).status).toBe(404);
    await f.compute.terminateInstances([I3]);
    await f.compute.settle();
    const res = await f.t.call('PUT', `/api/v1/instances/${I3}/maintenance`, { body: { enable: true } });
    expect(res.body).toMatchObject({ status: 409, code: 'instance-state', instanceId: I3 });
    expect(f.kv.size).toBe(0);
  });
});

describe('instances: sign-in and permissions', () => {
  it("needs a sign-in to read, and PUT on the route for the instance's OwningCluster to change maintenance", async () => {
    const f = await setUp({ realAuth: true });
    await bootstrapAdmin(f.t.identity, 'admin-password-1', 'boot');
    const sign = async (username: string, password: string) => ({
      authorization: `Bearer ${(await f.t.call('POST', '/api/v1/token', { body: { username, password } })).body.token as string}`,
    });
    const admin = await sign('admin', 'admin-password-1');
    for (const [type, body] of [
      ['clusters', { ClusterName: 'Infra', Value: { ShortName: 'IN' } }],
      ['users', { UserName: 'ops', Value: {} }],
    ] as const) {
      expect((await f.t.call('POST', `/api/v1/config/${type}`, { body, headers: admin })).status).toBe(201);
    }
    const permissions = [{ Resource: '/instances/*/maintenance', Access: 'PUT', Clusters: ['Infra'], EnvironmentTypes: 'all' }];
    expect((await f.t.call('POST', '/api/v1/config/permissions', { body: { Name: 'ops', Permissions: permissions }, headers: admin })).status).toBe(201);
    await f.t.call('PUT', '/api/v1/users/ops/password', { body: { password: 'ops-password-123' }, headers: admin });
    const ops = await sign('ops', 'ops-password-123');

    expect((await f.t.call('GET', '/api/v1/instances')).body).toMatchObject({ status: 401, code: 'login-required' });
    expect((await f.t.call('PUT', `/api/v1/instances/${I1}/maintenance`, { body: { enable: true } })).status).toBe(401);
    expect(ids((await f.t.call('GET', '/api/v1/instances', { headers: ops })).body)).toEqual([I1, I2, I3]);
    const denied = await f.t.call('PUT', `/api/v1/instances/${I3}/maintenance`, { body: { enable: true }, headers: ops });
    expect(denied.body).toMatchObject({ status: 403, code: 'permission-denied', missing: { clusters: ['Example'] } });
    expect(f.kv.size).toBe(0);
    expect((await f.t.call('PUT', `/api/v1/instances/${I1}/maintenance`, { body: { enable: true }, headers: ops })).status).toBe(200);
  });
});
