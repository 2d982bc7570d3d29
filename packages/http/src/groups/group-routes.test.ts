import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInProcessEventBus, createInProcessLock, createMemoryCompute, createMemoryDeploymentStore, createMemoryScheduleActionLog, type MemoryCompute } from '@envmgr/adapter-memory';
import { bootstrapAdmin, createSchedulerPass } from '@envmgr/app';
import { deploymentIndex, type EmEvent, type GroupSpec, type KvEntry, type Registry } from '@envmgr/ports';
import { aTestApp, type TestApp } from '../testing.js';

const NOW = Date.UTC(2026, 10, 23, 12);

function groupSpec(p: { env?: string; role?: string; cluster?: string; shortName?: string; desired?: number; max?: number } = {}): GroupSpec {
  const env = p.env ?? 'dev1';
  const cluster = p.cluster ?? 'Infra';
  const short = p.shortName ?? 'IN';
  const role = p.role ?? 'Web';
  return {
    name: `${env}-${short}-${role}`,
    tags: {
      EnvironmentType: 'Dev',
      Environment: env,
      OwningCluster: cluster,
      OwningClusterShortName: short,
      OwningTeam: cluster,
      Role: role,
      SecurityZone: 'Other',
      Schedule: '',
      ContactEmail: 'infra@example.com',
    },
    size: { min: 0, desired: p.desired ?? 2, max: p.max ?? 4 },
    launch: {
      image: 'Ubuntu-22.04.1',
      instanceType: 't3.small',
      subnetType: 'PrivateApp',
      securityZone: 'Other',
      instanceProfile: `role${cluster}${role}`,
      volumes: [{ device: '/dev/sda1', sizeGb: 50, type: 'ssd', encrypted: false }],
    },
    instanceNamePrefix: `${env}-${short}`,
  };
}

/**
 * The registry's key/value part over a map, the only part these routes use. The built-in registry would do (and
 * did, when these tests were written), but the layering rules let http tests import only the memory adapters.
 */
function kvOnlyRegistry(): Registry & { close(): Promise<void> } {
  const kv = new Map<string, KvEntry>();
  let index = 1;
  const sorted = (prefix: string) => [...kv.values()].filter((e) => e.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : 1));
  const unused = (name: string) => () => Promise.reject(new Error(`${name} is not part of this test double`));
  return {
    kvGet: async (key) => ({ index, value: kv.get(key) }),
    kvList: async (prefix) => ({ index, value: sorted(prefix) }),
    kvKeys: async (prefix) => ({ index, value: sorted(prefix).map((e) => e.key) }),
    kvPut: async (key, value) => {
      index += 1;
      kv.set(key, { key, value, flags: 0, createIndex: kv.get(key)?.createIndex ?? index, modifyIndex: index, lockIndex: 0 });
      return true;
    },
    kvDelete: async (key, opts) => {
      index += 1;
      for (const e of opts?.recurse ? sorted(key) : [{ key }]) kv.delete(e.key);
      return true;
    },
    catalogServices: unused('catalogServices'),
    catalogService: unused('catalogService'),
    catalogNodes: unused('catalogNodes'),
    healthService: unused('healthService'),
    healthNode: unused('healthNode'),
    registerService: unused('registerService'),
    deregisterService: unused('deregisterService'),
    passCheck: unused('passCheck'),
    warnCheck: unused('warnCheck'),
    failCheck: unused('failCheck'),
    setServiceMaintenance: unused('setServiceMaintenance'),
    close: async () => undefined,
  };
}

interface Fixture {
  t: TestApp;
  compute: MemoryCompute;
  registry: ReturnType<typeof kvOnlyRegistry>;
  events: EmEvent[];
}

async function setUp(opts: { realAuth?: boolean } = {}): Promise<Fixture> {
  // without autoConverge the test decides when instances move (settle), so every state can be looked at
  const compute = createMemoryCompute({ clock: { now: () => NOW }, autoConverge: false });
  const registry = kvOnlyRegistry();
  const bus = createInProcessEventBus({ now: () => NOW });
  const events: EmEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const t = aTestApp({ runtime: { compute, registry, deployments: createMemoryDeploymentStore({ indexOf: deploymentIndex }), events: bus }, ...opts });
  return { t, compute, registry, events };
}

/** The configuration the groups belong to: cluster Infra owning environment dev1 of type Dev. */
async function configure(t: TestApp, headers: Record<string, string> = {}): Promise<void> {
  for (const [type, body] of [
    ['clusters', { ClusterName: 'Infra', Value: { ShortName: 'IN' } }],
    ['environment-types', { EnvironmentType: 'Dev', Value: {} }],
    ['environments', { EnvironmentName: 'dev1', Value: { EnvironmentType: 'Dev', OwningCluster: 'Infra' } }],
  ] as const) {
    const res = await t.call('POST', `/api/v1/config/${type}`, { body, headers });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
}

describe('GET /api/v1/asgs', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await setUp();
    await configure(f.t);
  });
  afterEach(() => f.registry.close());

  it('lists groups by name with size, counts by lifecycle, tags and suspended processes', async () => {
    await f.compute.createGroup(groupSpec({ desired: 2 }));
    await f.compute.createGroup(groupSpec({ env: 'dev2', role: 'Worker', desired: 1 }));
    await f.compute.settle();
    const [a] = await f.compute.listInstances({ group: 'dev1-IN-Web' });
    await f.compute.enterStandby([a?.id ?? '']);
    await f.compute.suspendProcesses('dev1-IN-Web', ['Launch']);
    const res = await f.t.call('GET', '/api/v1/asgs');
    expect(res.status).toBe(200);
    expect(res.body.map((g: { name: string }) => g.name)).toEqual(['dev1-IN-Web', 'dev2-IN-Worker']);
    expect(res.body[0]).toMatchObject({
      name: 'dev1-IN-Web',
      environment: 'dev1',
      role: 'Web',
      owningCluster: 'Infra',
      size: { min: 0, desired: 1, max: 4 },
      instanceCount: 2,
      instanceCounts: { Pending: 0, InService: 1, Standby: 1, Terminating: 0 },
      suspendedProcesses: ['Launch'],
      createdTime: new Date(NOW).toISOString(),
    });
    expect(res.body[0].tags).toEqual(groupSpec().tags);
    expect((await f.t.call('GET', '/api/v1/asgs?environment=dev2')).body.map((g: { name: string }) => g.name)).toEqual(['dev2-IN-Worker']);
    expect((await f.t.call('GET', '/api/v1/asgs?environment=nowhere')).body).toEqual([]);
  });

  it('refuses a malformed environment filter with the field path', async () => {
    const res = await f.t.call('GET', '/api/v1/asgs?environment=not%20a%20name');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation-failed', errors: [{ path: 'query.environment' }] });
  });

  it('shows one group with its members; 404 for an unknown one or another environment', async () => {
    await f.compute.createGroup(groupSpec({ desired: 2 }));
    await f.compute.settle();
    const res = await f.t.call('GET', '/api/v1/asgs/dev1-IN-Web');
    expect(res.status).toBe(200);
    expect(res.body.instances).toEqual([
      expect.objectContaining({ id: 'i-0e000000000000001', name: 'dev1-IN-0e000000000000001', state: 'running', lifecycleState: 'InService', health: 'Healthy', privateAddress: '10.0.0.2', maintenance: false }),
      expect.objectContaining({ id: 'i-0e000000000000002', state: 'running', lifecycleState: 'InService' }),
    ]);
    expect((await f.t.call('GET', '/api/v1/asgs/dev1-IN-Web?environment=dev1')).status).toBe(200);
    const elsewhere = await f.t.call('GET', '/api/v1/asgs/dev1-IN-Web?environment=dev2');
    expect(elsewhere).toMatchObject({ status: 404, body: { code: 'not-found', key: 'dev1-IN-Web' } });
    expect((await f.t.call('GET', '/api/v1/asgs/nope')).body).toMatchObject({ status: 404, code: 'not-found', key: 'nope' });
  });

  it('says whether a group is ready, and why not', async () => {
    await f.compute.createGroup(groupSpec({ desired: 2 }));
    let res = await f.t.call('GET', '/api/v1/asgs/dev1-IN-Web/ready');
    expect(res.body).toEqual({ name: 'dev1-IN-Web', ready: false, desired: 2, counted: 0, inService: 0, reasons: ['2 of 2 desired instance(s) not launched yet'] });
    f.compute.step();
    res = await f.t.call('GET', '/api/v1/asgs/dev1-IN-Web/ready');
    expect(res.body).toMatchObject({ ready: false, counted: 2, inService: 0 });
    expect(res.body.reasons).toEqual(['instance i-0e000000000000001 is pending and Pending', 'instance i-0e000000000000002 is pending and Pending']);
    await f.compute.settle();
    res = await f.t.call('GET', '/api/v1/asgs/dev1-IN-Web/ready');
    expect(res.body).toEqual({ name: 'dev1-IN-Web', ready: true, desired: 2, counted: 2, inService: 2, reasons: [] });
    expect((await f.t.call('GET', '/api/v1/asgs/nope/ready')).status).toBe(404);
  });

  it('lists the addresses of the serving members, and the launch configuration', async () => {
    await f.compute.createGroup(groupSpec({ desired: 2 }));
    await f.compute.settle();
    await f.compute.enterStandby(['i-0e000000000000002']);
    const ips = await f.t.call('GET', '/api/v1/asgs/dev1-IN-Web/ips');
    expect(ips.body).toEqual({
      name: 'dev1-IN-Web',
      ips: ['10.0.0.2'],
      instances: [
        { id: 'i-0e000000000000001', privateAddress: '10.0.0.2', state: 'running', lifecycleState: 'InService' },
        { id: 'i-0e000000000000002', privateAddress: '10.0.0.3', state: 'running', lifecycleState: 'Standby' },
      ],
    });
    const lc = await f.t.call('GET', '/api/v1/asgs/dev1-IN-Web/launch-config');
    expect(lc.body).toEqual({ name: 'LaunchConfig_dev1-IN-Web', asg: 'dev1-IN-Web', ...groupSpec().launch, instanceNamePrefix: 'dev1-IN' });
  });
});

describe('PUT /api/v1/asgs/{name}/size', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await setUp();
    await configure(f.t);
    await f.compute.createGroup(groupSpec({ desired: 1 }));
    await f.compute.settle();
  });
  afterEach(() => f.registry.close());

  it('resizes; the group converges; the change is logged and announced with actor and request id', async () => {
    const res = await f.t.call('PUT', '/api/v1/asgs/dev1-IN-Web/size', { body: { desired: 3 }, headers: { 'x-test-user': 'alice', 'x-request-id': 'resize-1' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'dev1-IN-Web', size: { min: 0, desired: 3, max: 4 }, instanceCount: 1 });
    await f.compute.settle();
    expect((await f.t.call('GET', '/api/v1/asgs/dev1-IN-Web/ready')).body).toMatchObject({ ready: true, inService: 3 });
    expect(f.t.logs).toContainEqual(
      expect.objectContaining({ msg: 'group resized', actor: 'alice', requestId: 'resize-1', asg: 'dev1-IN-Web', before: { min: 0, desired: 1, max: 4 }, after: { min: 0, desired: 3, max: 4 } }),
    );
    await expect.poll(() => f.events).toContainEqual(
      expect.objectContaining({ type: 'asg.resized', subject: { asg: 'dev1-IN-Web', environment: 'dev1' }, data: expect.objectContaining({ actor: 'alice', requestId: 'resize-1' }) }),
    );
  });

  it('moves an omitted desired size into new bounds', async () => {
    expect((await f.t.call('PUT', '/api/v1/asgs/dev1-IN-Web/size', { body: { min: 2 } })).body.size).toEqual({ min: 2, desired: 2, max: 4 });
    expect((await f.t.call('PUT', '/api/v1/asgs/dev1-IN-Web/size', { body: { max: 2, min: 0 } })).body.size).toEqual({ min: 0, desired: 2, max: 2 });
  });

  it.each([
    [{}, ''],
    [{ desired: -1 }, 'desired'],
    [{ desired: 1.5 }, 'desired'],
    [{ desired: '2' }, 'desired'],
    [{ desired: 2, size: 3 }, ''],
    [{ desired: 5 }, 'desired'],
    [{ min: 5 }, 'min'],
    [{ max: 0, min: 1 }, 'min'],
  ])('refuses %j with a 400 naming the field', async (body, path) => {
    const res = await f.t.call('PUT', '/api/v1/asgs/dev1-IN-Web/size', { body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation-failed');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await f.compute.getGroup('dev1-IN-Web'))?.size).toEqual({ min: 0, desired: 1, max: 4 });
  });

  it('answers 404 for an unknown group', async () => {
    expect((await f.t.call('PUT', '/api/v1/asgs/nope/size', { body: { desired: 1 } })).body).toMatchObject({ status: 404, code: 'not-found' });
  });
});

describe('DELETE /api/v1/asgs/{name}', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await setUp();
    await configure(f.t);
    await f.compute.createGroup(groupSpec({ desired: 2 }));
    await f.compute.settle();
    await f.registry.kvPut('environments/dev1/roles/Web/services/Hello/none', '{"Name":"Hello"}');
    await f.registry.kvPut('environments/dev1/roles/Web-blue/services/Hello/blue', '{"Name":"Hello"}');
    await f.registry.kvPut('environments/dev1/services/Hello/1.0.0/definition', '{}');
  });
  afterEach(() => f.registry.close());

  const keys = async (): Promise<string[]> => (await f.registry.kvKeys('environments/')).value;

  it("terminates the members, deletes the group and its role's target state, and nothing else", async () => {
    const res = await f.t.call('DELETE', '/api/v1/asgs/dev1-IN-Web', { headers: { 'x-test-user': 'alice' } });
    expect(res.status).toBe(204);
    expect(await f.compute.getGroup('dev1-IN-Web')).toBeUndefined();
    await f.compute.settle();
    expect((await f.compute.listInstances({ group: 'dev1-IN-Web', states: ['terminated'] })).map((i) => i.id)).toEqual(['i-0e000000000000001', 'i-0e000000000000002']);
    expect(await keys()).toEqual(['environments/dev1/roles/Web-blue/services/Hello/blue', 'environments/dev1/services/Hello/1.0.0/definition']);
    expect(f.t.logs).toContainEqual(expect.objectContaining({ msg: 'group deleted', actor: 'alice', deletedTargetState: 'environments/dev1/roles/Web/' }));
    await expect.poll(() => f.events.map((e) => e.type)).toContain('asg.deleted');
    expect((await f.t.call('DELETE', '/api/v1/asgs/dev1-IN-Web')).status).toBe(404);
  });

  it('keeps the target state while another group of the environment has the same role', async () => {
    await f.compute.createGroup(groupSpec({ shortName: 'EX', cluster: 'Example', desired: 0 }));
    expect((await f.t.call('DELETE', '/api/v1/asgs/dev1-IN-Web')).status).toBe(204);
    expect(await keys()).toContain('environments/dev1/roles/Web/services/Hello/none');
  });
});

describe('group writes: permissions and locks', () => {
  let f: Fixture;
  const headers: Record<string, Record<string, string>> = {};

  beforeEach(async () => {
    f = await setUp({ realAuth: true });
    await bootstrapAdmin(f.t.identity, 'admin-password-1', 'boot');
    const sign = async (username: string, password: string) => ({
      authorization: `Bearer ${(await f.t.call('POST', '/api/v1/token', { body: { username, password } })).body.token as string}`,
    });
    headers.admin = await sign('admin', 'admin-password-1');
    await configure(f.t, headers.admin);
    const users = {
      reader: [],
      infra: [{ Resource: '/asgs/**', Access: 'ADMIN', Clusters: ['Infra'], EnvironmentTypes: ['Dev'] }],
      other: [{ Resource: '/asgs/**', Access: 'ADMIN', Clusters: ['Example'], EnvironmentTypes: 'all' }],
    };
    for (const [user, permissions] of Object.entries(users)) {
      expect((await f.t.call('POST', '/api/v1/config/users', { body: { UserName: user, Value: {} }, headers: headers.admin })).status).toBe(201);
      if (permissions.length) {
        expect((await f.t.call('POST', '/api/v1/config/permissions', { body: { Name: user, Permissions: permissions }, headers: headers.admin })).status).toBe(201);
      }
      await f.t.call('PUT', `/api/v1/users/${user}/password`, { body: { password: `${user}-password-1` }, headers: headers.admin });
      headers[user] = await sign(user, `${user}-password-1`);
    }
    await f.compute.createGroup(groupSpec({ desired: 1 }));
    await f.compute.settle();
  });
  afterEach(() => f.registry.close());

  const resize = (who: string, desired = 2) => f.t.call('PUT', '/api/v1/asgs/dev1-IN-Web/size', { body: { desired }, headers: headers[who] ?? {} });

  it('needs a sign-in to read (401) and the permission for the environment’s cluster and type to write (403)', async () => {
    expect((await f.t.call('GET', '/api/v1/asgs')).status).toBe(401);
    expect((await f.t.call('GET', '/api/v1/asgs/dev1-IN-Web', { headers: headers.reader ?? {} })).status).toBe(200);
    expect((await resize('anonymous')).status).toBe(401);
    expect((await resize('reader')).body).toMatchObject({ status: 403, code: 'permission-denied' });
    const other = await resize('other');
    expect(other.body).toMatchObject({ status: 403, code: 'permission-denied', missing: { resource: '/asgs/dev1-IN-Web/size', clusters: ['Infra'] } });
    expect((await f.t.call('DELETE', '/api/v1/asgs/dev1-IN-Web', { headers: headers.other ?? {} })).status).toBe(403);
    expect((await f.compute.getGroup('dev1-IN-Web'))?.size.desired).toBe(1);
    expect((await resize('infra')).status).toBe(200);
  });

  it('refuses writes with 423 while the environment’s deployments are locked, and allows them again once unlocked', async () => {
    const lock = await f.t.call('PUT', '/api/v1/environments/dev1/deploy-lock', { body: { reason: 'release freeze' }, headers: headers.admin ?? {} });
    expect(lock.status).toBe(200);
    const refused = await resize('infra');
    expect(refused.body).toMatchObject({ status: 423, code: 'deployments-locked', environment: 'dev1', lockedBy: 'admin', reason: 'release freeze' });
    expect((await f.t.call('DELETE', '/api/v1/asgs/dev1-IN-Web', { headers: headers.infra ?? {} })).status).toBe(423);
    expect(await f.compute.getGroup('dev1-IN-Web')).toMatchObject({ size: { desired: 1 } });
    expect((await f.t.call('DELETE', '/api/v1/environments/dev1/deploy-lock', { headers: headers.admin ?? {} })).status).toBe(200);
    expect((await resize('infra')).status).toBe(200);
  });
});

describe('OpenAPI document', () => {
  it('documents the group and instance routes, each write with its permission rule', async () => {
    const f = await setUp();
    const doc = (await f.t.call('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, Record<string, unknown>>> };
    for (const p of ['/api/v1/asgs', '/api/v1/asgs/{name}/ready', '/api/v1/asgs/{name}/ips', '/api/v1/asgs/{name}/launch-config', '/api/v1/instances', '/api/v1/instances/{id}']) {
      expect(doc.paths[p]?.get, p).toBeDefined();
    }
    expect(doc.paths['/api/v1/asgs/{name}/size']?.put?.['x-em-permission']).toBe('permission');
    expect(doc.paths['/api/v1/asgs/{name}']?.delete?.['x-em-permission']).toBe('permission');
    expect(doc.paths['/api/v1/instances/{id}/maintenance']?.put?.['x-em-permission']).toBe('permission');
  });
});

describe('/api/v1/asgs/{name}/scaling-schedule', () => {
  let f: Fixture;
  const url = '/api/v1/asgs/dev1-IN-Web/scaling-schedule';
  const weekdays = [
    { Recurrence: '0 8 * * 1-5', DesiredCapacity: 3, MaxSize: 4 },
    { Recurrence: '0 19 * * 1-5', TimeZone: 'Europe/London', DesiredCapacity: 1, MinSize: 0 },
  ];
  beforeEach(async () => {
    f = await setUp();
    await configure(f.t);
    await f.compute.createGroup(groupSpec({ desired: 2 }));
    await f.compute.settle();
  });
  afterEach(() => f.registry.close());

  it('stores scaling actions as the group\'s schedule, tags it NOSCHEDULE, and reads them back', async () => {
    const put = await f.t.call('PUT', url, { body: { schedule: weekdays } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toEqual({ name: 'dev1-IN-Web', schedule: 'NOSCHEDULE', actions: weekdays, unreadable: [], appliedThrough: new Date(NOW).toISOString() });
    expect((await f.compute.getGroup('dev1-IN-Web'))?.tags).toMatchObject({ 'EM-Scheduled-Action-1': 'desired=3 max=4 cron=0 8 * * 1-5', Schedule: 'NOSCHEDULE' });
    expect((await f.t.call('GET', url)).body.actions).toEqual(weekdays);
    expect(f.events.map((e) => e.type)).toContain('asg.scaling-schedule.set');
  });

  it('refuses unreadable actions with the field path, and changes nothing', async () => {
    for (const [action, path] of [
      [{ Recurrence: '0 25 * * *', DesiredCapacity: 1 }, 'schedule[0].Recurrence'],
      [{ Recurrence: '0 8 * *', DesiredCapacity: 1 }, 'schedule[0].Recurrence'],
      [{ Recurrence: '0 8 * * *', DesiredCapacity: 5, MaxSize: 2 }, 'schedule[0].DesiredCapacity'],
      [{ Recurrence: '0 8 * * *', TimeZone: 'Mars/Olympus', DesiredCapacity: 1 }, 'schedule[0].TimeZone'],
    ] as const) {
      const res = await f.t.call('PUT', url, { body: { schedule: [action] } });
      expect(res.status, JSON.stringify(action)).toBe(400);
      expect(JSON.stringify(res.body.errors)).toContain(path);
    }
    expect((await f.compute.getGroup('dev1-IN-Web'))?.tags['Schedule']).toBe('');
  });

  it('a schedule string replaces the actions and, asked to, tags the members', async () => {
    await f.t.call('PUT', url, { body: { schedule: weekdays } });
    const res = await f.t.call('PUT', url, { body: { schedule: 'start: 0 9 * * 1-5; stop: 0 17 * * 1-5 | Europe/London', propagateToInstances: true } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ schedule: 'start: 0 9 * * 1-5; stop: 0 17 * * 1-5 | Europe/London', actions: [] });
    const members = await f.compute.listInstances({ group: 'dev1-IN-Web' });
    expect(members.map((m) => m.tags['Schedule'])).toEqual(members.map(() => 'start: 0 9 * * 1-5; stop: 0 17 * * 1-5 | Europe/London'));
    expect((await f.t.call('PUT', url, { body: { schedule: 'start: 0 9 * * 8' } })).status).toBe(400);
  });

  it('the scheduler job applies each occurrence after the schedule was set, once, and records it', async () => {
    await f.t.call('PUT', url, { body: { schedule: weekdays } });
    const actions = createMemoryScheduleActionLog();
    let ids = 0;
    const pass = createSchedulerPass(
      { config: { store: f.t.store }, accounts: [{ name: 'local', compute: f.compute }], actions, clock: f.t.clock, ids: { next: () => `a${++ids}` } },
      { lock: createInProcessLock({ clock: f.t.clock }), holder: 'h', sleep: async () => {} },
    );
    // Monday 12:00 UTC: the 08:00 occurrence was before the schedule was set, so nothing happens
    await pass.run();
    expect((await f.compute.getGroup('dev1-IN-Web'))?.size).toEqual({ min: 0, desired: 2, max: 4 });
    f.t.clock.advance(7 * 3_600_000 + 60_000); // 19:01 UTC = 19:01 in London (GMT)
    await pass.run();
    expect((await f.compute.getGroup('dev1-IN-Web'))?.size).toEqual({ min: 0, desired: 1, max: 4 });
    await pass.run(); // nothing new
    f.t.clock.advance(13 * 3_600_000); // Tuesday 08:01
    await pass.run();
    expect((await f.compute.getGroup('dev1-IN-Web'))?.size).toEqual({ min: 0, desired: 3, max: 4 });
    const recorded = await actions.list({ limit: 10 });
    expect(recorded.map((r) => [r.action, r.outcome, r.instances])).toEqual([
      ['scheduledScaling', 'done', 1],
      ['scheduledScaling', 'done', 3],
    ]);
    expect(recorded[1]?.reason).toMatch(/scaling schedule action 1 \(0 8 \* \* 1-5\) occurred at 2026-11-24T08:00: desired 3, max 4/);
  });
});
