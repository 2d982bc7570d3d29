// The deployment routes over real adapters (memory compute, the built-in registry). The test lives in apps/server
// because http tests may import only the memory adapters (.dependency-cruiser.cjs).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInProcessEventBus, createMemoryCompute, createMemoryDeploymentStore, type MemoryCompute } from '@envmgr/adapter-memory';
import { createBuiltinRegistry, type BuiltinRegistry } from '@envmgr/adapter-registry-builtin';
import { deploymentIndex, type DeploymentStore } from '@envmgr/ports';
import { createMemoryPackageStore } from '@envmgr/ports/testing';
import { aTestApp, type TestApp } from '@envmgr/http/testing';
import { aCluster, aDeploymentMap, anEnvironment, anEnvironmentType, aService } from '@envmgr/test-support';

describe('deployment routes', () => {
  let dir: string;
  let registry: BuiltinRegistry;
  let compute: MemoryCompute;
  let deployments: DeploymentStore;
  let t: TestApp;
  let woken = 0;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'envmgr-deploy-api-'));
    registry = createBuiltinRegistry({ path: join(dir, 'registry.db') });
    compute = createMemoryCompute();
    deployments = createMemoryDeploymentStore({ indexOf: deploymentIndex });
    const packageStore = createMemoryPackageStore();
    for (const version of ['1.0.0', '1.1.0']) {
      await packageStore.put({ service: 'Hello', version }, (async function* () {
        yield new TextEncoder().encode('zip');
      })());
    }
    const events = createInProcessEventBus({ now: () => Date.now() });
    woken = 0;
    t = aTestApp({ runtime: { compute, registry, deployments, events, wakeDriver: () => void (woken += 1) }, packageStore });
    for (const [type, doc] of [
      ['clusters', aCluster()],
      ['environment-types', anEnvironmentType()],
      ['services', aService('Hello')],
      ['deployment-maps', aDeploymentMap('Standard', ['Hello'])],
      ['environments', anEnvironment('c50', { EnvironmentType: 'Dev', OwningCluster: 'Infra', DeploymentMap: 'Standard' })],
    ] as const) {
      const r = await t.call('POST', `/api/v1/config/${type}`, { body: doc });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
  });

  afterEach(async () => {
    await compute.close();
    await registry.close();
    await rm(dir, { recursive: true, force: true });
  });

  const deploy = (body: Record<string, unknown>) => t.call('POST', '/api/v1/deployments', { body: { environment: 'c50', service: 'Hello', version: '1.0.0', ...body } });

  it('accepts a deployment with 202 and its URL, stores it requested, and wakes the driver', async () => {
    const r = await deploy({});
    expect(r.status).toBe(202);
    expect(r.headers.get('location')).toBe(`/api/v1/deployments/${r.body.id}`);
    expect(r.body).toMatchObject({ status: 'requested', environment: 'c50', service: 'Hello', version: '1.0.0', serverRole: 'Web', group: 'c50-in-Web', requestedBy: 'tester' });
    expect(woken).toBe(1);
    const got = await t.call('GET', `/api/v1/deployments/${r.body.id}`);
    expect(got.body).toMatchObject({ id: r.body.id, status: 'requested', Version: 1 });
    expect(got.headers.get('etag')).toBe('"1"');
  });

  it('answers a dry run with the plan and stores nothing', async () => {
    const r = await t.call('POST', '/api/v1/deployments?dry_run=true', { body: { environment: 'C50', service: 'hello', version: '1.0.0' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ isDryRun: true, environment: 'c50', service: 'Hello', group: { name: 'c50-in-Web', action: 'create' }, packagePath: 'PACKAGES/Hello/1.0.0/Hello-1.0.0.zip' });
    expect(r.body.targetState.map((w: { key: string }) => w.key).at(-1)).toBe('environments/c50/roles/Web/services/Hello/none');
    expect(await deployments.list({ limit: 10 })).toEqual([]);
  });

  it.each([
    [{ version: '1.0' }, 400, 'validation-failed'],
    [{ slice: 'blue' }, 400, 'slice-not-allowed'],
    [{ mode: 'bluegreen' }, 400, 'slice-required'],
    [{ mode: 'sideways' }, 400, 'unknown-mode'],
    [{ environment: 'nope' }, 404, 'unknown-environment'],
    [{ service: 'Nope' }, 404, 'unknown-service'],
    [{ version: '2.0.0' }, 404, 'package-not-found'],
    [{ serverRole: 'Db' }, 422, 'unknown-server-role'],
  ])('refuses %j with %i %s', async (body, status, code) => {
    const r = await deploy(body);
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject({ status, code });
  });

  it('refuses a second deployment of the service to the environment while one is active (409 naming it)', async () => {
    const first = await deploy({});
    const second = await deploy({ version: '1.1.0' });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'deployment-in-progress', activeDeploymentId: first.body.id });
  });

  it('refuses a deployment to a locked environment with 423 naming who locked it and why', async () => {
    const lock = await t.call('PUT', '/api/v1/environments/c50/deploy-lock', { body: { reason: 'release freeze' }, headers: { 'x-test-user': 'alice' } });
    expect(lock.status).toBe(200);
    const r = await deploy({});
    expect(r.status).toBe(423);
    expect(r.body).toMatchObject({ code: 'deployments-locked', lockedBy: 'alice', reason: 'release freeze' });
    expect(r.body.detail).toMatch(/locked by alice .*release freeze/);
  });

  it('cancels an active deployment once; a second cancel is 409', async () => {
    const d = await deploy({});
    const c = await t.call('PATCH', `/api/v1/deployments/${d.body.id}`, { body: { Status: 'Cancelled' } });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ status: 'cancelled', Version: 2 });
    expect(c.body.reason).toMatch(/cancelled by tester before the target state was written/);
    const again = await t.call('PATCH', `/api/v1/deployments/${d.body.id}`, { body: { Status: 'Cancelled' } });
    expect(again.body).toMatchObject({ status: 409, code: 'deployment-finished' });
    expect((await t.call('PATCH', '/api/v1/deployments/nope', { body: { Status: 'Cancelled' } })).status).toBe(404);
    expect((await t.call('PATCH', `/api/v1/deployments/${d.body.id}`, { body: { Status: 'Success' } })).status).toBe(400);
  });

  it('lists newest first, filters, and pages with a cursor', async () => {
    const ids: string[] = [];
    for (const version of ['1.0.0', '1.1.0', '1.0.0']) {
      const d = await deploy({ version });
      ids.push(d.body.id);
      await t.call('PATCH', `/api/v1/deployments/${d.body.id}`, { body: { Status: 'Cancelled' } });
      t.clock.advance(1000);
    }
    const page1 = await t.call('GET', '/api/v1/deployments?environment=c50&limit=2');
    expect(page1.body.items.map((d: { id: string }) => d.id)).toEqual([ids[2], ids[1]]);
    const cursor = page1.headers.get('x-next-cursor');
    expect(cursor).toBeTruthy();
    const page2 = await t.call('GET', `/api/v1/deployments?environment=c50&limit=2&cursor=${cursor}`);
    expect(page2.body.items.map((d: { id: string }) => d.id)).toEqual([ids[0]]);
    expect(page2.headers.get('x-next-cursor')).toBeNull();
    expect((await t.call('GET', '/api/v1/deployments?status=active')).body.items).toEqual([]);
    expect((await t.call('GET', '/api/v1/deployments?status=cancelled')).body.items).toHaveLength(3);
    expect((await t.call('GET', '/api/v1/deployments?status=bogus')).status).toBe(400);
    expect((await t.call('GET', '/api/v1/deployments?cursor=xyz')).status).toBe(400);
  });

  it('refuses a rollback when there is no earlier successful version', async () => {
    const r = await t.call('POST', '/api/v1/rollbacks', { body: { environment: 'c50', service: 'Hello' } });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('nothing-to-roll-back-to');
  });

  it('streams deployment events as server-sent events', async () => {
    const res = await t.app.request('/api/v1/events?service=Hello');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const read = async (until: RegExp) => {
      while (!until.test(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
    };
    await read(/event: ready/);
    const d = await deploy({});
    await read(/event: deployment\.updated[\s\S]*\n\n/);
    await reader.cancel();
    const data = /event: deployment\.updated\ndata: (.*)\nid: (\d+)/.exec(text) ?? /event: deployment\.updated\nid: (\d+)\ndata: (.*)/.exec(text);
    expect(data).not.toBeNull();
    expect(text).toContain(`"deployment":"${d.body.id}"`);
    expect(text).toContain('"status":"requested"');
  });
});
