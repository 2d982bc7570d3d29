import { describe, expect, it } from 'vitest';
import { createInProcessEventBus, createMemoryCompute, createMemoryDeploymentStore } from '@envmgr/adapter-memory';
import { targetStateWrites, type Deployment } from '@envmgr/domain';
import { deploymentIndex, type Registry } from '@envmgr/ports';
import { createMemoryPackageStore } from '@envmgr/ports/testing';
import { helloEstate, sequentialIds } from '@envmgr/test-support';
import { aTestApp, seedOverApi } from '../testing.js';

// POST /api/v1/deployments keeps the caller's W3C trace context with the deployment, so that the target state the
// driver writes carries it to the agents (docs/observability.md#trace-context).

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

async function setUp() {
  const now = { now: () => Date.UTC(2026, 10, 23, 12) };
  const store = createMemoryDeploymentStore<Deployment>({ indexOf: deploymentIndex });
  const packages = createMemoryPackageStore();
  const unused = () => Promise.reject(new TypeError('the registry is not used by this test'));
  const registry = new Proxy({}, { get: () => unused }) as Registry;
  const t = aTestApp({
    runtime: { compute: createMemoryCompute({ clock: now, autoConverge: false }), registry, deployments: store, events: createInProcessEventBus(now), deploymentIds: sequentialIds('dep') },
    packageStore: packages,
  });
  await seedOverApi(t, helloEstate(1));
  await packages.put({ service: 'Hello', version: '1.0.0' }, (async function* () {
    yield new TextEncoder().encode('PK');
  })());
  return { t, store };
}

const deploy = { environment: 'dev1', service: 'Hello', version: '1.0.0' };

describe('POST /api/v1/deployments with a traceparent', () => {
  it('stores the trace context with the deployment and writes it into the role key', async () => {
    const { t, store } = await setUp();
    const res = await t.call('POST', '/api/v1/deployments', { body: deploy, headers: { traceparent: TRACEPARENT.toUpperCase() } });
    expect(res.status).toBe(202);
    const stored = await store.get(res.body.id);
    expect(stored?.record.plan.traceparent).toBe(TRACEPARENT);
    const role = stored ? targetStateWrites(stored.record.plan, stored.record.id, 1).at(-1) : undefined;
    expect(JSON.parse(role?.value ?? '{}')).toMatchObject({ DeploymentId: res.body.id, TraceParent: TRACEPARENT });
  });

  it('ignores an invalid traceparent, as the standard says', async () => {
    const { t, store } = await setUp();
    const res = await t.call('POST', '/api/v1/deployments', { body: deploy, headers: { traceparent: 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
    expect(res.status).toBe(202);
    const stored = await store.get(res.body.id);
    expect(stored?.record.plan).toBeDefined();
    expect(stored?.record.plan.traceparent).toBeUndefined();
  });
});
