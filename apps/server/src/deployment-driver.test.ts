import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createInProcessEventBus,
  createInProcessLock,
  createMemoryCompute,
  createMemoryConfigStore,
  createMemoryDeploymentStore,
  createMemoryScheduleActionLog,
  type MemoryCompute,
} from '@envmgr/adapter-memory';
import { createBuiltinRegistry, type BuiltinRegistry } from '@envmgr/adapter-registry-builtin';
import {
  cancelDeployment,
  createDriverPass,
  createItem,
  createSchedulerPass,
  deploymentHolds,
  planScheduleActions,
  requestDeployment,
  setScheduleSettings,
  step,
  type DeploymentDeps,
  type RequestContext,
} from '@envmgr/app';
import { ForbiddenError, nodeStatusKey, overallStatusKey, roleServiceKey, ValidationError, type Deployment } from '@envmgr/domain';
import { deploymentIndex, type EmEvent } from '@envmgr/ports';
import { createMemoryPackageStore } from '@envmgr/ports/testing';
import { aCluster, aDeploymentMap, aFixedClock, anEnvironment, anEnvironmentType, aService, sequentialIds } from '@envmgr/test-support';

// The deployment use cases and the driver's step over real adapters (memory compute, the built-in registry), with
// the agents' part played by the test: node status writes and service registrations with TTL checks.
const admin: RequestContext = { actor: { name: 'ops', kind: 'user', user: 'ops', permissions: [{ Resource: '**', Access: 'ADMIN' }] }, requestId: 'r1' };
const ENV = 'c50';
const GROUP = 'c50-in-Web';

describe('deployment driver over memory compute and the built-in registry', () => {
  let dir: string;
  let registry: BuiltinRegistry;
  let compute: MemoryCompute;
  let deps: DeploymentDeps;
  let events: EmEvent[];
  const clock = aFixedClock(Date.UTC(2026, 10, 23, 12));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'envmgr-driver-'));
    registry = createBuiltinRegistry({ path: join(dir, 'registry.db') });
    compute = createMemoryCompute();
    const store = createMemoryConfigStore();
    const cfg = { store, clock, hasher: { sha256: (t: string) => t } };
    for (const [type, doc] of [
      ['clusters', aCluster()],
      ['environment-types', anEnvironmentType()],
      ['services', aService('Hello')],
      ['deployment-maps', aDeploymentMap('Standard', ['Hello'])],
      ['environments', anEnvironment(ENV, { EnvironmentType: 'Dev', OwningCluster: 'Infra', DeploymentMap: 'Standard' })],
    ] as const) {
      await createItem(cfg, admin, type, doc);
    }
    const packages = createMemoryPackageStore();
    await packages.put({ service: 'Hello', version: '1.0.0' }, (async function* () {
      yield new TextEncoder().encode('zip');
    })());
    const bus = createInProcessEventBus({ now: clock.now });
    events = [];
    bus.subscribe((e) => events.push(e));
    deps = {
      config: { store },
      packages,
      deployments: createMemoryDeploymentStore({ indexOf: deploymentIndex }),
      compute,
      registry,
      events: bus,
      clock,
      ids: sequentialIds('dep'),
      settings: { healthDeadlineMs: 60_000 },
    };
  });

  afterEach(async () => {
    await compute.close();
    await registry.close();
    await rm(dir, { recursive: true, force: true });
  });

  const stored = async (id: string) => {
    const s = await deps.deployments.get(id);
    if (!s) throw new TypeError(`no deployment ${id}`);
    return s;
  };
  const stepOnce = async (id: string, runId = 'run-1'): Promise<Deployment> => step(deps, await stored(id), runId);
  const members = async () => {
    for (let i = 0; i < 200; i++) {
      const ids = (await compute.listInstances({ group: GROUP })).filter((m) => m.lifecycleState === 'InService').map((m) => m.id);
      const group = await compute.getGroup(GROUP);
      if (group && ids.length === group.size.desired) return ids;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new TypeError('the group did not converge');
  };
  /** What an agent does after installing: registers the service with a TTL check, reports it, writes Success. */
  const agentInstalls = async (d: Deployment, instanceId: string, health: 'pass' | 'fail' = 'pass') => {
    const node = registry.asNode({ name: instanceId, address: '127.0.0.1' });
    await node.registerService({ id: d.plan.consulServiceName, name: d.plan.consulServiceName, tags: [`deployment_id:${d.id}`, `version:${d.plan.version}`], checks: [{ type: 'ttl', id: `${instanceId}-ok`, name: 'ok', ttlMs: 600_000 }] });
    if (health === 'pass') await node.passCheck(`${instanceId}-ok`);
    else await node.failCheck(`${instanceId}-ok`, 'GET /health answered 503');
    const now = new Date(clock.now()).toISOString();
    await registry.kvPut(nodeStatusKey(d.id, instanceId), JSON.stringify({ Cause: 'Deployment', StartTime: now, EndTime: now, LastCompletedStage: 'Complete', Log: '', NumberOfAttempts: 1, Status: 'Success' }));
  };

  it('creates the group, writes the target state, and succeeds once every instance reports Success and passes', async () => {
    const r = await requestDeployment(deps, admin, { environment: ENV, service: 'Hello', version: '1.0.0' });
    if (r.dryRun) throw new TypeError('not a dry run');
    const id = r.deployment.id;
    expect((await stepOnce(id)).state).toBe('provisioning');
    const ids = await members();
    expect((await stepOnce(id)).state).toBe('deploying');
    const role = (await registry.kvGet(roleServiceKey(ENV, 'Web', 'Hello', 'none'))).value;
    expect(JSON.parse(role?.value ?? '{}')).toMatchObject({ DeploymentId: id, Version: '1.0.0', Action: 'Install' });
    // nothing reported yet: waiting, and stepping again changes nothing
    const waiting = await stepOnce(id);
    expect(waiting.state).toBe('deploying');
    const before = await stored(id);
    await stepOnce(id);
    expect((await stored(id)).version).toBe(before.version);
    for (const i of ids) await agentInstalls(waiting, i);
    const done = await stepOnce(id);
    expect(done.state).toBe('succeeded');
    expect((await registry.kvGet(overallStatusKey(id))).value?.value).toBe('Success');
    expect(events.some((e) => e.type === 'deployment.updated' && e.data['status'] === 'succeeded')).toBe(true);
  });

  it('a new driver run re-writes a target state it cannot see; the same run trusts its own write', async () => {
    const r = await requestDeployment(deps, admin, { environment: ENV, service: 'Hello', version: '1.0.0' });
    if (r.dryRun) throw new TypeError('not a dry run');
    await stepOnce(r.deployment.id);
    await members();
    await stepOnce(r.deployment.id);
    const key = roleServiceKey(ENV, 'Web', 'Hello', 'none');
    await registry.kvDelete(key);
    await stepOnce(r.deployment.id, 'run-1');
    expect((await registry.kvGet(key)).value).toBeUndefined();
    const after = await stepOnce(r.deployment.id, 'run-2');
    expect((await registry.kvGet(key)).value).toBeDefined();
    expect(after.issued.writeTargetState?.attempt).toBe(2);
  });

  it('fails naming the instance whose health checks do not pass by the deadline', async () => {
    const r = await requestDeployment(deps, admin, { environment: ENV, service: 'Hello', version: '1.0.0' });
    if (r.dryRun) throw new TypeError('not a dry run');
    await stepOnce(r.deployment.id);
    const [first, ...rest] = await members();
    const d = await stepOnce(r.deployment.id);
    await agentInstalls(d, first!, 'fail');
    for (const i of rest) await agentInstalls(d, i);
    expect((await stepOnce(r.deployment.id)).state).toBe('deploying');
    clock.advance(61_000);
    const failed = await stepOnce(r.deployment.id);
    expect(failed.state).toBe('failed');
    expect(failed.reason).toContain(first);
    expect(failed.reason).toContain('health');
    expect((await registry.kvGet(overallStatusKey(r.deployment.id))).value?.value).toBe('Failed');
  });

  it('fails at once when the group cannot be created as configured', async () => {
    const refusing = { ...deps, compute: { ...compute, createGroup: () => Promise.reject(new ValidationError([{ path: 'size', message: 'desired 3 exceeds max 2' }])) } };
    const r = await requestDeployment(refusing, admin, { environment: ENV, service: 'Hello', version: '1.0.0' });
    if (r.dryRun) throw new TypeError('not a dry run');
    const d = await step(refusing, await stored(r.deployment.id), 'run-1');
    expect(d.state).toBe('failed');
    expect(d.reason).toMatch(/desired 3 exceeds max 2/);
  });

  it('cancel turns the role key to Ignore and writes Cancelled; the driver leaves it alone', async () => {
    const r = await requestDeployment(deps, admin, { environment: ENV, service: 'Hello', version: '1.0.0' });
    if (r.dryRun) throw new TypeError('not a dry run');
    await stepOnce(r.deployment.id);
    await members();
    await stepOnce(r.deployment.id);
    const cancelled = await cancelDeployment(deps, admin, r.deployment.id);
    expect(cancelled.state).toBe('cancelled');
    const role = (await registry.kvGet(roleServiceKey(ENV, 'Web', 'Hello', 'none'))).value;
    expect(JSON.parse(role?.value ?? '{}')).toMatchObject({ DeploymentId: r.deployment.id, Action: 'Ignore' });
    expect((await registry.kvGet(overallStatusKey(r.deployment.id))).value?.value).toBe('Cancelled');
    const pass = createDriverPass(deps, { lock: createInProcessLock({ clock }), holder: 'a' });
    expect(await pass.run()).toEqual({ active: 0, changed: 0 });
  });

  it('a deployment to a group its schedule switched off wakes it; the scheduler holds it on, then returns it to its schedule', async () => {
    const cfg = { store: deps.config.store, clock, hasher: { sha256: (t: string) => t } };
    await setScheduleSettings(cfg, admin, { environment: ENV, scheduleAutomatically: true, defaultSchedule: 'OFF' });
    const dry = await requestDeployment(deps, admin, { environment: ENV, service: 'Hello', version: '1.0.0', dryRun: true });
    if (!dry.dryRun) throw new TypeError('a dry run');
    // min 0: members that enter Standby lower the desired size, which a minimum of 1 would refuse
    await compute.createGroup({ ...dry.plan.plan.group, size: { min: 0, desired: 2, max: 4 } });
    const ids = await members();
    const scheduler = createSchedulerPass(
      { config: deps.config, accounts: [{ name: 'local', compute }], actions: createMemoryScheduleActionLog(), clock, ids: sequentialIds('act'), holds: () => deploymentHolds(deps) },
      { lock: createInProcessLock({ clock }), holder: 'sched', sleep: async () => {} },
    );
    const states = async () => (await compute.listInstances({ group: GROUP })).filter((i) => ids.includes(i.id)).map((i) => `${i.state}/${i.lifecycleState}`);
    const schedulerSettles = async () => {
      for (let i = 0; i < 4; i++) {
        await scheduler.run();
        await compute.settle();
      }
    };
    await schedulerSettles();
    expect(await states()).toEqual(ids.map(() => 'stopped/Standby'));

    const r = await requestDeployment(deps, admin, { environment: ENV, service: 'Hello', version: '1.0.0' });
    if (r.dryRun) throw new TypeError('not a dry run');
    const id = r.deployment.id;
    expect((await stepOnce(id)).state).toBe('provisioning');
    const woken = await stepOnce(id);
    expect(woken.state).toBe('provisioning');
    expect(woken.wake).toMatchObject({ group: GROUP, started: ids.length, exitedStandby: ids.length });
    expect(woken.log.at(-1)).toMatch(/is switched off; waking it for this deployment/);
    await compute.settle();
    expect(await members()).toEqual(ids);

    // while the deployment runs, the scheduler leaves the group on, and says why
    await schedulerSettles();
    expect(await states()).toEqual(ids.map(() => 'running/InService'));
    const plan = await planScheduleActions({ config: deps.config, accounts: [{ name: 'local', compute }], clock, holds: () => deploymentHolds(deps) }, admin.actor);
    expect(plan.instances.find((p) => p.instance.id === ids[0])?.decision).toMatchObject({ action: 'skip', skipCode: 'held-by-deployment' });

    const d = await stepOnce(id);
    expect(d.state).toBe('deploying');
    for (const i of ids) await agentInstalls(d, i);
    const done = await stepOnce(id);
    expect(done.state).toBe('succeeded');
    expect(done.log.at(-1)).toMatch(/was woken for this deployment: the scheduler returns it to its schedule at its next pass/);

    // after the end, the next passes return the group to its schedule (OFF)
    await schedulerSettles();
    expect(await states()).toEqual(ids.map(() => 'stopped/Standby'));
  });

  it('only the lock holder drives', async () => {
    const lock = createInProcessLock({ clock });
    const a = createDriverPass(deps, { lock, holder: 'a' });
    const b = createDriverPass(deps, { lock, holder: 'b' });
    await requestDeployment(deps, admin, { environment: ENV, service: 'Hello', version: '1.0.0' });
    expect(await a.run()).toEqual({ active: 1, changed: 1 });
    expect(await b.run()).toEqual({ active: 0, changed: 0 });
    await a.release();
    expect((await b.run()).active).toBe(1);
  });

  describe('who may deploy (SPEC §9)', () => {
    const limited = (...extra: { Resource?: string; Access?: string; Clusters?: string[]; EnvironmentTypes?: string[] }[]): RequestContext => ({
      actor: { name: 'dev', kind: 'user', user: 'dev', permissions: [{ Resource: '/deployments', Access: 'POST', Clusters: ['Infra'], EnvironmentTypes: ['Dev'] }, ...extra] as never },
      requestId: 'r2',
    });

    it('needs POST /deployments in the server role\'s cluster and the environment\'s type', async () => {
      const other: RequestContext = { actor: { ...limited().actor, permissions: [{ Resource: '/deployments', Access: 'POST', Clusters: ['Other'], EnvironmentTypes: ['Dev'] }] as never }, requestId: 'r3' };
      await expect(requestDeployment(deps, other, { environment: ENV, service: 'Hello', version: '1.0.0' })).rejects.toBeInstanceOf(ForbiddenError);
      const ok = await requestDeployment(deps, limited(), { environment: ENV, service: 'Hello', version: '1.0.0' });
      expect(ok.dryRun).toBe(false);
    });

    it('a Secure server role also needs POST /permissions/securityzones/secure', async () => {
      const cfg = { store: deps.config.store, clock, hasher: { sha256: (t: string) => t } };
      const type = anEnvironmentType('Sec', { Subnets: { PrivateSecure: { AvailabilityZoneA: 's-a', AvailabilityZoneB: 's-b', Secure: true } } });
      await createItem(cfg, admin, 'environment-types', type);
      const map = aDeploymentMap('Vault', ['Hello']);
      const role = ((map['Value'] as { DeploymentTarget: Record<string, unknown>[] }).DeploymentTarget[0] ??= {});
      Object.assign(role, { SecurityZone: 'Secure', SubnetTypeName: 'PrivateSecure' });
      await createItem(cfg, admin, 'deployment-maps', map);
      await createItem(cfg, admin, 'environments', anEnvironment('sec1', { EnvironmentType: 'Sec', OwningCluster: 'Infra', DeploymentMap: 'Vault' }));
      const req = { environment: 'sec1', service: 'Hello', version: '1.0.0', dryRun: true };
      const inType = { Resource: '/deployments', Access: 'POST', Clusters: ['Infra'], EnvironmentTypes: ['Sec'] };
      await expect(requestDeployment(deps, limited(inType), req)).rejects.toThrow(/securityzones\/secure/);
      const r = await requestDeployment(deps, limited(inType, { Resource: '/permissions/securityzones/secure', Access: 'POST' }), req);
      expect(r.dryRun).toBe(true);
    });
  });
});
