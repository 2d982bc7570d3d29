// The service-state routes over the real built-in registry. The test lives in apps/server because the layering rules
// let http tests import only the memory adapters (.dependency-cruiser.cjs), and these routes read the registry's
// catalog and health, which a test double would only imitate.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInProcessEventBus, createMemoryCompute, createMemoryDeploymentStore, type MemoryCompute } from '@envmgr/adapter-memory';
import { createBuiltinRegistry, type BuiltinRegistry } from '@envmgr/adapter-registry-builtin';
import { bootstrapAdmin, lockDeployments } from '@envmgr/app';
import { renderTargetState, type JsonObject } from '@envmgr/domain';
import { deploymentIndex, type EmEvent, type GroupSpec, type Instance } from '@envmgr/ports';
import { aTestApp, type TestApp } from '@envmgr/http/testing';

const NOW = Date.UTC(2026, 10, 23, 12);

const anEnvironment = (name: string): JsonObject => ({ EnvironmentName: name, Value: { EnvironmentType: 'Dev', OwningCluster: 'Infra', DeploymentMap: 'Standard' } });
const HELLO: JsonObject = { ServiceName: 'Hello', OwningCluster: 'Infra', Value: { BluePort: 40100, GreenPort: 40101 } };
const STANDARD_MAP: JsonObject = {
  DeploymentMapName: 'Standard',
  Value: { DeploymentTarget: [{ ServerRoleName: 'Web', OwningCluster: 'Infra', ContactEmailTag: 'team@example.com', AMI: 'Ubuntu-16.04.1', Services: [{ ServiceName: 'Hello' }] }] },
};

function groupSpec(env: string, role = 'Web', desired = 2): GroupSpec {
  return {
    name: `${env}-in-${role}`,
    tags: { Environment: env, EnvironmentType: 'Dev', OwningCluster: 'Infra', Role: role },
    size: { min: 0, desired, max: 4 },
    launch: { image: 'Ubuntu-22.04.1', instanceType: 't3.small', subnetType: 'PrivateApp', securityZone: 'Other', instanceProfile: 'roleInfraWeb', volumes: [] },
    instanceNamePrefix: `${env}-in`,
  };
}

interface Fixture {
  t: TestApp;
  compute: MemoryCompute;
  registry: BuiltinRegistry;
  events: EmEvent[];
  dir: string;
}

async function setUp(opts: { realAuth?: boolean } = {}): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'envmgr-service-state-'));
  const registry = createBuiltinRegistry({ path: join(dir, 'registry.db') });
  const compute = createMemoryCompute({ clock: { now: () => NOW }, autoConverge: false });
  const bus = createInProcessEventBus({ now: () => NOW });
  const events: EmEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const t = aTestApp({ runtime: { compute, registry, deployments: createMemoryDeploymentStore({ indexOf: deploymentIndex }), events: bus }, ...opts });
  return { t, compute, registry, events, dir };
}

async function tearDown(f: Fixture): Promise<void> {
  await f.compute.close();
  await f.registry.close();
  await rm(f.dir, { recursive: true, force: true });
}

async function seed(f: Fixture, type: 'services' | 'environments' | 'deployment-maps', key: string, data: JsonObject): Promise<void> {
  await f.t.store.commit([{ op: 'create', type, key, data, references: [], indexes: {}, uniques: [] }], { actor: 'seed', requestId: 'r', at: '2026-01-01T00:00:00Z' });
}

/** Writes a deployment's target state as the driver does. */
async function deploy(f: Fixture, p: { env: string; version: string; deploymentId: string; slice?: 'none' | 'blue' | 'green'; role?: string }): Promise<void> {
  const slice = p.slice ?? 'none';
  const writes = renderTargetState({
    deploymentId: p.deploymentId,
    environment: p.env,
    environmentType: 'Dev',
    owningCluster: 'Infra',
    service: 'Hello',
    version: p.version,
    slice,
    runtimeServerRole: p.role ?? 'Web',
    consulServiceName: slice === 'none' ? `${p.env}-Hello` : `${p.env}-Hello-${slice}`,
    ports: { blue: 40100, green: 40101 },
    packageBucket: 'local',
    packageKey: `PACKAGES/Hello/${p.version}/Hello-${p.version}.zip`,
    installationTimeoutMin: 5,
    expectedNodeDeployments: 2,
  });
  for (const w of writes) await f.registry.kvPut(w.key, w.value);
}

/** What an instance's agent does after installing: registers the service with its tags and a TTL check, reports. */
async function install(f: Fixture, i: Instance, p: { env: string; version: string; deploymentId: string; passing?: boolean; port?: number }): Promise<void> {
  const node = f.registry.asNode({ name: i.id, address: i.privateAddress ?? '127.0.0.1' });
  const id = `${p.env}-Hello`;
  await node.registerService({
    id,
    name: id,
    address: i.privateAddress ?? '',
    port: p.port ?? 41000,
    tags: [`environment:${p.env}`, `deployment_id:${p.deploymentId}`, 'server_role:Web', 'slice:none', `version:${p.version}`],
    meta: { version: p.version, deployment_id: p.deploymentId },
    checks: [{ type: 'ttl', id: `${id}:health`, name: 'Hello health', ttlMs: 600_000 }],
  });
  if (p.passing !== false) await node.passCheck(`${id}:health`, 'HTTP GET /health: 200 OK');
  else await node.failCheck(`${id}:health`, 'HTTP GET /health: 500');
  const status = { Cause: 'Deployment', StartTime: '2026-11-23T12:00:00Z', EndTime: '2026-11-23T12:01:00Z', LastCompletedStage: 'Complete', Log: '', NumberOfAttempts: 1, Status: 'Success' };
  await f.registry.kvPut(`deployments/${p.deploymentId}/nodes/${i.id}`, JSON.stringify(status));
}

/**
 * c50 (map Standard: role Web runs Hello) with group c50-in-Web of 2 instances; Hello 1.1.0 (d2) is the target;
 * the first instance runs it healthy, the second still runs 1.0.0 (d1). c51 runs 1.0.0 on one instance.
 */
async function aDeployedWorld(f: Fixture): Promise<{ first: Instance; second: Instance; other: Instance }> {
  await seed(f, 'services', 'Hello', HELLO);
  await seed(f, 'deployment-maps', 'Standard', STANDARD_MAP);
  await seed(f, 'environments', 'c50', anEnvironment('c50'));
  await seed(f, 'environments', 'c51', anEnvironment('c51'));
  await f.compute.createGroup(groupSpec('c50'));
  await f.compute.createGroup(groupSpec('c51', 'Web', 1));
  await f.compute.settle();
  const [first, second] = await f.compute.listInstances({ group: 'c50-in-Web' });
  const [other] = await f.compute.listInstances({ group: 'c51-in-Web' });
  if (!first || !second || !other) throw new TypeError('the groups did not launch their instances');
  await deploy(f, { env: 'c50', version: '1.1.0', deploymentId: 'd2' });
  await install(f, first, { env: 'c50', version: '1.1.0', deploymentId: 'd2' });
  await install(f, second, { env: 'c50', version: '1.0.0', deploymentId: 'd1', port: 41020 });
  await deploy(f, { env: 'c51', version: '1.0.0', deploymentId: 'd7' });
  await install(f, other, { env: 'c51', version: '1.0.0', deploymentId: 'd7' });
  return { first, second, other };
}

describe('the read side of services and target state', () => {
  let f: Fixture;
  let w: Awaited<ReturnType<typeof aDeployedWorld>>;
  beforeEach(async () => {
    f = await setUp();
    w = await aDeployedWorld(f);
  });
  afterEach(() => tearDown(f));

  it('GET /services lists what the environment runs: versions, instances, health', async () => {
    const res = await f.t.call('GET', '/api/v1/services?environment=c50');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      environment: 'c50',
      services: [
        {
          service: 'Hello',
          target: [{ role: 'Web', slice: 'none', version: '1.1.0', deploymentId: 'd2', action: 'Install' }],
          versions: ['1.0.0', '1.1.0'],
          slices: [{ slice: 'none', versions: ['1.0.0', '1.1.0'], health: { status: 'passing', instances: 2, passing: 2, warning: 0, critical: 0 } }],
          health: { status: 'passing', instances: 2, passing: 2, warning: 0, critical: 0 },
        },
      ],
    });
  });

  it('GET /services/{service}/health shows each instance with its version, deployment and checks', async () => {
    await f.registry.asNode({ name: w.second.id, address: '' }).failCheck('c50-Hello:health', 'HTTP GET /health: 500');
    const res = await f.t.call('GET', '/api/v1/services/Hello/health?environment=c50');
    expect(res.status).toBe(200);
    expect(res.body.health).toEqual({ status: 'critical', instances: 2, passing: 1, warning: 0, critical: 1 });
    const byId = Object.fromEntries((res.body.instances as { instanceId: string }[]).map((i) => [i.instanceId, i]));
    expect(byId[w.first.id]).toMatchObject({ serviceId: 'c50-Hello', slice: 'none', version: '1.1.0', deploymentId: 'd2', serverRole: 'Web', status: 'passing', port: 41000 });
    expect(byId[w.second.id]).toMatchObject({
      version: '1.0.0',
      deploymentId: 'd1',
      status: 'critical',
      checks: [{ checkId: 'c50-Hello:health', name: 'Hello health', status: 'critical', output: 'HTTP GET /health: 500', notes: '' }],
    });
    expect((await f.t.call('GET', '/api/v1/services/Hello/health?environment=c50&slice=blue')).body.instances).toEqual([]);
  });

  it('GET /services/{service}/slices gives each slice its port, target, versions and instances; active is null', async () => {
    await deploy(f, { env: 'c50', version: '1.2.0', deploymentId: 'd3', slice: 'blue' });
    const res = await f.t.call('GET', '/api/v1/services/Hello/slices?environment=c50');
    expect(res.status).toBe(200);
    expect(res.body.slices.map((s: { slice: string; registryName: string; port: number; active: null; versions: string[]; instances: unknown[] }) => [s.slice, s.registryName, s.port, s.active, s.versions, s.instances.length])).toEqual([
      ['none', 'c50-Hello', 40100, null, ['1.0.0', '1.1.0'], 2],
      ['blue', 'c50-Hello-blue', 40100, null, [], 0],
    ]);
  });

  it('GET /services/{service}/installationcheck says per instance what is missing', async () => {
    const res = await f.t.call('GET', '/api/v1/services/Hello/installationcheck?environment=c50');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ environment: 'c50', service: 'Hello', roles: ['Web'], ok: false });
    const byId = Object.fromEntries((res.body.instances as { instanceId: string; checks: { missing: string[] }[] }[]).map((i) => [i.instanceId, i]));
    expect(byId[w.first.id]).toMatchObject({ group: 'c50-in-Web', role: 'Web', state: 'running', ok: true, checks: [{ slice: 'none', ok: true, missing: [] }] });
    expect(byId[w.second.id]).toMatchObject({ ok: false, checks: [{ slice: 'none', ok: false }] });
    expect(byId[w.second.id]?.checks[0]?.missing).toEqual([
      `the agent has not reported on deployment d2 (no deployments/d2/nodes/${w.second.id}): is the instance's agent running?`,
      `c50-Hello is registered at ${w.second.privateAddress}:41020 with version 1.0.0, deployment d1; the target state asks for 1.1.0 (deployment d2)`,
    ]);
  });

  it('GET /target-state/{environment} parses roles and service versions; serverRole narrows it', async () => {
    await deploy(f, { env: 'c50', version: '3.0.0', deploymentId: 'd9', role: 'Api' });
    const res = await f.t.call('GET', '/api/v1/target-state/c50?serverRole=Web');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      environment: 'c50',
      serverRole: 'Web',
      roles: [{ role: 'Web', services: [{ service: 'Hello', slice: 'none', version: '1.1.0', deploymentId: 'd2', instanceIds: [], action: 'Install', key: 'environments/c50/roles/Web/services/Hello/none' }] }],
      services: [
        {
          service: 'Hello',
          version: '1.1.0',
          definition: { name: 'c50-Hello', id: 'c50-Hello', ports: { blue: 40100, green: 40101 }, tags: ['environment_type:Dev', 'environment:c50', 'owning_cluster:Infra', 'version:1.1.0'] },
          installation: { packageBucket: 'local', packageKey: 'PACKAGES/Hello/1.1.0/Hello-1.1.0.zip', installationTimeoutMin: 5 },
        },
      ],
      problems: [],
    });
    const all = await f.t.call('GET', '/api/v1/target-state/c50');
    expect(all.body.roles.map((r: { role: string }) => r.role)).toEqual(['Api', 'Web']);
  });

  it('GET /environments/{name}/servers shows groups, instances, services and convergence', async () => {
    const res = await f.t.call('GET', '/api/v1/environments/c50/servers');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ environment: 'c50', converged: false, groups: [{ name: 'c50-in-Web', role: 'Web', cluster: 'Infra', size: { min: 0, desired: 2, max: 4 }, converged: false }] });
    const [group] = res.body.groups;
    const byId = Object.fromEntries((group.instances as { id: string }[]).map((i) => [i.id, i]));
    expect(byId[w.first.id]).toMatchObject({
      name: w.first.name,
      state: 'running',
      lifecycle: 'InService',
      address: w.first.privateAddress,
      converged: true,
      differences: [],
      services: [{ service: 'Hello', slice: 'none', serviceId: 'c50-Hello', version: '1.1.0', deploymentId: 'd2', status: 'passing', matchesTarget: true }],
    });
    expect(byId[w.second.id]).toMatchObject({
      converged: false,
      services: [{ version: '1.0.0', matchesTarget: false }],
      differences: [{ kind: 'version-differs', service: 'Hello', slice: 'none', expected: { version: '1.1.0', deploymentId: 'd2' }, actual: { version: '1.0.0', deploymentId: 'd1' } }],
    });

    const one = await f.t.call('GET', '/api/v1/environments/c50/servers/c50-in-Web');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ environment: 'c50', name: 'c50-in-Web', converged: false });
    const elsewhere = await f.t.call('GET', '/api/v1/environments/c50/servers/c51-in-Web');
    expect(elsewhere.status).toBe(404);
  });

  it('GET /compare puts each service’s versions side by side', async () => {
    const res = await f.t.call('GET', '/api/v1/compare?environments=c50,c51');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      environments: ['c50', 'c51'],
      services: [
        {
          service: 'Hello',
          differs: true,
          environments: [
            { environment: 'c50', target: ['1.1.0'], running: ['1.0.0', '1.1.0'] },
            { environment: 'c51', target: ['1.0.0'], running: ['1.0.0'] },
          ],
        },
      ],
    });
  });

  it.each([
    ['/api/v1/services?environment=nope', 'not-found'],
    ['/api/v1/services/Nope/health?environment=c50', 'not-found'],
    ['/api/v1/services/Nope/installationcheck?environment=c50', 'not-found'],
    ['/api/v1/target-state/nope', 'not-found'],
    ['/api/v1/environments/nope/servers', 'not-found'],
    ['/api/v1/environments/c50/servers/nope', 'not-found'],
    ['/api/v1/compare?environments=c50,nope', 'not-found'],
  ])('GET %s is 404 %s', async (path, code) => {
    const res = await f.t.call('GET', path);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe(code);
  });

  it.each([
    ['/api/v1/services', 'query.environment'],
    ['/api/v1/services?environment=c-50', 'query.environment'],
    ['/api/v1/services/Hello/health?environment=c50&slice=red', 'query.slice'],
    ['/api/v1/compare?environments=c50', 'query.environments'],
    ['/api/v1/compare', 'query.environments'],
  ])('GET %s is 400 naming %s', async (path, field) => {
    const res = await f.t.call('GET', path);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation-failed');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it('documents every route in the OpenAPI document, the DELETEs with their permission rule', async () => {
    const doc = await f.t.call('GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    const paths = doc.body.paths as Record<string, Record<string, Record<string, unknown>>>;
    for (const p of ['/api/v1/services', '/api/v1/services/{service}/health', '/api/v1/services/{service}/slices', '/api/v1/services/{service}/installationcheck', '/api/v1/environments/{name}/servers', '/api/v1/environments/{name}/servers/{group}', '/api/v1/compare']) {
      expect(paths[p]?.get, p).toBeDefined();
    }
    expect(paths['/api/v1/target-state/{environment}']?.get).toBeDefined();
    for (const p of ['/api/v1/target-state/{environment}', '/api/v1/target-state/{environment}/{service}', '/api/v1/target-state/{environment}/{service}/{version}']) {
      expect(paths[p]?.delete?.['x-em-permission'], p).toBe('permission');
    }
  });

  it('refuses to compare an environment with itself', async () => {
    const res = await f.t.call('GET', '/api/v1/compare?environments=c50,c50');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'environments', message: "'c50' is named twice; name each environment once" }]);
  });
});

describe('DELETE /api/v1/target-state', () => {
  let f: Fixture;
  const keys = async () => (await f.registry.kvKeys('environments/c50/')).value;
  beforeEach(async () => {
    f = await setUp();
    await aDeployedWorld(f);
    await deploy(f, { env: 'c50', version: '1.2.0', deploymentId: 'd3', slice: 'blue' });
  });
  afterEach(() => tearDown(f));

  it('deletes one version: its keys and the role entries that ask for it', async () => {
    const res = await f.t.call('DELETE', '/api/v1/target-state/c50/Hello/1.2.0');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      environment: 'c50',
      service: 'Hello',
      version: '1.2.0',
      deletedKeys: ['environments/c50/roles/Web/services/Hello/blue', 'environments/c50/services/Hello/1.2.0/definition', 'environments/c50/services/Hello/1.2.0/installation'],
    });
    expect(await keys()).toEqual([
      'environments/c50/roles/Web/services/Hello/none',
      'environments/c50/services/Hello/1.1.0/definition',
      'environments/c50/services/Hello/1.1.0/installation',
    ]);
    expect(f.events.map((e) => [e.type, e.subject])).toEqual([['target-state.deleted', { environment: 'c50', service: 'Hello', version: '1.2.0' }]]);
  });

  it('deletes a service, and an environment’s whole target state, leaving other environments alone', async () => {
    expect((await f.t.call('DELETE', '/api/v1/target-state/c50/Hello')).body.deletedKeys).toHaveLength(6);
    expect(await keys()).toEqual([]);
    await deploy(f, { env: 'c50', version: '1.1.0', deploymentId: 'd4' });
    expect((await f.t.call('DELETE', '/api/v1/target-state/c50')).body.deletedKeys).toHaveLength(3);
    expect(await keys()).toEqual([]);
    expect((await f.registry.kvKeys('environments/c51/')).value).toHaveLength(3);
    expect((await f.t.call('DELETE', '/api/v1/target-state/c50')).body.deletedKeys).toEqual([]);
  });

  it('is 423 while deployments to the environment are locked, and 404 for an unknown environment', async () => {
    const config = { store: f.t.store, clock: f.t.clock, hasher: { sha256: (t: string) => createHash('sha256').update(t).digest('hex') } };
    await lockDeployments(config, { actor: { name: 'ops', kind: 'user', user: 'ops', permissions: [{ Resource: '**', Access: 'ADMIN' }] }, requestId: 'r' }, { environment: 'c50', reason: 'release freeze' });
    const res = await f.t.call('DELETE', '/api/v1/target-state/c50/Hello');
    expect(res.status).toBe(423);
    expect(res.body).toMatchObject({ code: 'deployments-locked', environment: 'c50', lockedBy: 'ops', reason: 'release freeze' });
    expect(await keys()).toHaveLength(6);
    expect((await f.t.call('DELETE', '/api/v1/target-state/nope')).status).toBe(404);
  });
});

describe('DELETE /api/v1/target-state with real sign-in', () => {
  let f: Fixture;
  const headers: Record<string, Record<string, string>> = {};
  beforeEach(async () => {
    f = await setUp({ realAuth: true });
    await aDeployedWorld(f);
    await bootstrapAdmin(f.t.identity, 'admin-password-1', 'boot');
    const sign = async (username: string, password: string) => ({
      authorization: `Bearer ${(await f.t.call('POST', '/api/v1/token', { body: { username, password } })).body.token as string}`,
    });
    headers.admin = await sign('admin', 'admin-password-1');
    const users = {
      reader: [],
      infra: [{ Resource: '/target-state/**', Access: 'DELETE', Clusters: ['Infra'], EnvironmentTypes: ['Dev'] }],
      other: [{ Resource: '/target-state/**', Access: 'DELETE', Clusters: ['Example'], EnvironmentTypes: 'all' }],
    };
    for (const [user, permissions] of Object.entries(users)) {
      expect((await f.t.call('POST', '/api/v1/config/users', { body: { UserName: user, Value: {} }, headers: headers.admin })).status).toBe(201);
      if (permissions.length) {
        expect((await f.t.call('POST', '/api/v1/config/permissions', { body: { Name: user, Permissions: permissions }, headers: headers.admin })).status).toBe(201);
      }
      await f.t.call('PUT', `/api/v1/users/${user}/password`, { body: { password: `${user}-password-1` }, headers: headers.admin });
      headers[user] = await sign(user, `${user}-password-1`);
    }
  });
  afterEach(() => tearDown(f));

  it('needs a sign-in (401) and DELETE for the environment’s cluster and type (403)', async () => {
    const del = (who?: string) => f.t.call('DELETE', '/api/v1/target-state/c50/Hello', { headers: who ? (headers[who] ?? {}) : {} });
    expect((await f.t.call('GET', '/api/v1/target-state/c50')).status).toBe(401);
    expect((await f.t.call('GET', '/api/v1/target-state/c50', { headers: headers.reader ?? {} })).status).toBe(200);
    const anonymous = await del();
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'login-required']);
    const reader = await del('reader');
    expect([reader.status, reader.body.code]).toEqual([403, 'permission-denied']);
    const other = await del('other');
    expect([other.status, other.body.code]).toEqual([403, 'permission-denied']);
    expect(other.body.missing).toMatchObject({ resource: '/target-state/c50/Hello', access: 'DELETE', clusters: ['Infra'] });
    expect((await f.registry.kvKeys('environments/c50/')).value).toHaveLength(3);
    const infra = await del('infra');
    expect(infra.status, JSON.stringify(infra.body)).toBe(200);
    expect(infra.body.deletedKeys).toHaveLength(3);
  });
});
