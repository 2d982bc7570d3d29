import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createInProcessEventBus, createMemoryCompute, createMemoryDeploymentStore, type MemoryCompute } from '@envmgr/adapter-memory';
import { createClient, type DeploymentProgress, type EnvMgrClient, type FetchLike, type FollowSource } from '@envmgr/api-contract';
import { step, type DeploymentDeps } from '@envmgr/app';
import { nodeStatusKey, type Deployment } from '@envmgr/domain';
import { deploymentIndex, type DeploymentStore, type KvEntry, type Registry, type ServiceHealth } from '@envmgr/ports';
import { createMemoryPackageStore } from '@envmgr/ports/testing';
import { helloEstate, sequentialIds } from '@envmgr/test-support';
import { aTestApp, seedOverApi, type TestApp } from '../testing.js';

// The typed client's deployments API (as `envmgr deploy --wait` uses it) against the real HTTP app and its event
// route. Deployments move as they do in EM: the driver's `step` observes the group and the node statuses that agents
// would write to the registry, advances the record and publishes `deployment.updated`.

/** The registry's key/value part and health over maps; `healthy` marks instances passing for a deployment. */
function testRegistry(): Registry & { healthy(deploymentId: string, instanceIds: string[]): void } {
  const kv = new Map<string, KvEntry>();
  const health: ServiceHealth[] = [];
  let index = 1;
  const sorted = (prefix: string) => [...kv.values()].filter((e) => e.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : 1));
  const unused = (name: string) => () => Promise.reject(new TypeError(`${name} is not part of this test double`));
  return {
    kvGet: async (key) => ({ index, value: kv.get(key) }),
    kvList: async (prefix) => ({ index, value: sorted(prefix) }),
    kvKeys: async (prefix) => ({ index, value: sorted(prefix).map((e) => e.key) }),
    kvPut: async (key, value) => {
      index += 1;
      kv.set(key, { key, value, flags: 0, createIndex: kv.get(key)?.createIndex ?? index, modifyIndex: index, lockIndex: 0 });
      return true;
    },
    kvDelete: async (key) => {
      index += 1;
      return kv.delete(key);
    },
    healthService: async () => ({ index, value: health }),
    healthy(deploymentId, instanceIds) {
      for (const id of instanceIds) {
        health.push({
          node: { node: id, address: '10.0.0.1' },
          service: { id: `dev1-Hello-${id}`, name: 'dev1-Hello', tags: [`deployment_id:${deploymentId}`], address: '', port: 40100, meta: {} },
          checks: [],
        });
      }
    },
    catalogServices: unused('catalogServices'),
    catalogService: unused('catalogService'),
    catalogNodes: unused('catalogNodes'),
    healthNode: unused('healthNode'),
    registerService: unused('registerService'),
    deregisterService: unused('deregisterService'),
    passCheck: unused('passCheck'),
    warnCheck: unused('warnCheck'),
    failCheck: unused('failCheck'),
    setServiceMaintenance: unused('setServiceMaintenance'),
  };
}

interface Fixture {
  t: TestApp;
  client: EnvMgrClient;
  compute: MemoryCompute;
  registry: ReturnType<typeof testRegistry>;
  store: DeploymentStore<Deployment>;
  deps: DeploymentDeps;
  /** The event-stream requests' headers, in order. */
  streams: Record<string, string>[];
}

/** `wrap` may replace the answer to an event-stream request (to drop or refuse it). */
async function setUp(wrap?: (res: Response, n: number) => Response | Promise<Response>): Promise<Fixture> {
  const compute = createMemoryCompute({ clock: { now: () => Date.UTC(2026, 10, 23, 12) }, autoConverge: false });
  const registry = testRegistry();
  const store = createMemoryDeploymentStore<Deployment>({ indexOf: deploymentIndex });
  const events = createInProcessEventBus({ now: () => Date.UTC(2026, 10, 23, 12) });
  const packages = createMemoryPackageStore();
  const ids = sequentialIds('dep');
  const t = aTestApp({ runtime: { compute, registry, deployments: store, events, deploymentIds: ids }, packageStore: packages });
  await seedOverApi(t, helloEstate(2));
  for (const version of ['1.0.0', '1.1.0']) {
    await packages.put({ service: 'Hello', version }, (async function* () {
      yield new TextEncoder().encode(`PK ${version}`);
    })());
  }
  const streams: Record<string, string>[] = [];
  const fetch: FetchLike = async (url, init) => {
    const res = await t.app.request(url, init);
    if (!url.includes('/api/v1/events?')) return res;
    streams.push(init.headers);
    return wrap ? wrap(res, streams.length) : res;
  };
  const deps: DeploymentDeps = { config: { store: t.store }, packages, deployments: store, compute, registry, events, clock: t.clock, ids };
  return { t, client: createClient({ baseUrl: 'http://em.test', fetch }), compute, registry, store, deps, streams };
}

/** One pass of the driver over the deployment. */
async function drive(f: Fixture, id: string): Promise<Deployment> {
  const stored = await f.store.get(id);
  if (!stored) throw new TypeError(`no deployment ${id}`);
  return step(f.deps, stored, 'test-run');
}

/** What an agent writes under `deployments/<id>/nodes/<instance>`. */
function reportNode(f: Fixture, id: string, instanceId: string, status: 'In Progress' | 'Success' | 'Failed', extra: Record<string, string> = {}) {
  const value = { Cause: 'Deployment', StartTime: '2026-11-23T12:00:00.000Z', EndTime: null, LastCompletedStage: status === 'Success' ? 'Complete' : 'BeforeInstall', Log: '', NumberOfAttempts: 1, Status: status, ...extra };
  return f.registry.kvPut(nodeStatusKey(id, instanceId), JSON.stringify(value));
}

/** Requested → provisioning (group created) → deploying (target state written), with the group's instances up. */
async function toDeploying(f: Fixture, id: string): Promise<string[]> {
  await drive(f, id);
  await f.compute.settle();
  expect((await drive(f, id)).state).toBe('deploying');
  return (await f.compute.listInstances({ group: 'dev1-in-Web' })).map((i) => i.id);
}

function follow(f: Fixture, id: string) {
  const seen: DeploymentProgress[] = [];
  const sources: FollowSource[] = [];
  const done = f.client.deployments.follow(id, (p, source) => {
    seen.push(p);
    sources.push(source);
  });
  return { seen, sources, done };
}

describe('deployments client against the HTTP app', () => {
  let f: Fixture;
  afterEach(() => vi.useRealTimers());

  describe('over the event stream', () => {
    beforeEach(async () => {
      f = await setUp();
    });

    it('follows a deployment from its request to success, each change as it happens', async () => {
      const d = await f.client.deployments.request({ environment: 'dev1', service: 'Hello', version: '1.1.0' });
      expect(d).toMatchObject({ status: 'requested', service: 'Hello', version: '1.1.0', group: 'dev1-in-Web' });
      const w = follow(f, d.id);
      await vi.waitFor(() => expect(w.seen).toHaveLength(1));
      const instances = await toDeploying(f, d.id);
      expect(instances).toHaveLength(2);
      for (const i of instances) await reportNode(f, d.id, i, 'In Progress');
      await drive(f, d.id);
      await vi.waitFor(() => expect(w.seen.at(-1)?.nodes.map((n) => n.status)).toEqual(['In Progress', 'In Progress']));
      for (const i of instances) await reportNode(f, d.id, i, 'Success');
      f.registry.healthy(d.id, instances);
      expect((await drive(f, d.id)).state).toBe('succeeded');

      const final = await w.done;
      expect(final).toMatchObject({ id: d.id, status: 'succeeded', nodes: instances.map((instanceId) => ({ instanceId, status: 'Success', health: 'passing' })) });
      expect([...new Set(w.seen.map((p) => p.status))]).toEqual(['requested', 'provisioning', 'deploying', 'succeeded']);
      expect(w.seen.find((p) => p.status === 'provisioning')?.lastLog).toContain('creating group dev1-in-Web');
      expect(new Set(w.sources)).toEqual(new Set(['stream']));
      expect(f.streams).toHaveLength(1);
      expect(f.streams[0]).toMatchObject({ accept: 'text/event-stream' });
    });

    it('ends with the reason, and the failed instance with its error and log URL', async () => {
      const d = await f.client.deployments.request({ environment: 'dev1', service: 'Hello', version: '1.1.0' });
      const w = follow(f, d.id);
      await vi.waitFor(() => expect(w.seen).toHaveLength(1));
      const [ok, bad] = await toDeploying(f, d.id);
      await reportNode(f, d.id, ok ?? '', 'Success');
      const log = `http://127.0.0.1:8080/api/v1/logs/deployments/${d.id}/${bad}.log`;
      await reportNode(f, d.id, bad ?? '', 'Failed', { FailedStage: 'ValidateService', ErrorReason: 'validate.sh exited with 1', Log: log });
      expect((await drive(f, d.id)).state).toBe('failed');

      const final = await w.done;
      expect(final?.reason).toContain(bad);
      expect(final?.nodes.find((n) => n.instanceId === bad)).toMatchObject({ status: 'Failed', failedStage: 'ValidateService', errorReason: 'validate.sh exited with 1', log });
    });

    it('lists with paging, cancels, redeploys and rolls back through the API', async () => {
      for (const version of ['1.0.0', '1.1.0']) {
        const d = await f.client.deployments.request({ environment: 'dev1', service: 'Hello', version });
        const instances = await toDeploying(f, d.id);
        for (const i of instances) await reportNode(f, d.id, i, 'Success');
        f.registry.healthy(d.id, instances);
        expect((await drive(f, d.id)).state).toBe('succeeded');
      }
      const back = await f.client.deployments.rollback({ environment: 'dev1', service: 'Hello' });
      expect(back).toMatchObject({ version: '1.0.0', rolledBackFrom: '1.1.0', status: 'requested' });
      await expect(f.client.deployments.redeploy(back.id)).rejects.toMatchObject({ status: 409, code: 'deployment-in-progress', problem: { activeDeploymentId: back.id } });
      expect(await f.client.deployments.cancel(back.id)).toMatchObject({ id: back.id, status: 'cancelled' });
      await expect(f.client.deployments.cancel(back.id)).rejects.toMatchObject({ status: 409, code: 'deployment-finished' });
      // an ended deployment is not followed: its state is the answer
      expect(await f.client.deployments.follow(back.id, () => undefined)).toMatchObject({ status: 'cancelled' });

      const again = await f.client.deployments.redeploy(back.id);
      expect(again).toMatchObject({ version: '1.0.0', status: 'requested' });
      const first = await f.client.deployments.list({ service: 'Hello', status: ['succeeded', 'cancelled'], limit: 2 });
      expect(first.items.map((s) => s.status)).toEqual(['cancelled', 'succeeded']);
      expect(first.nextCursor).toBeDefined();
      const all = [];
      for await (const s of f.client.deployments.listAll({ service: 'Hello', limit: 1 })) all.push(s.version);
      expect(all).toEqual(['1.0.0', '1.0.0', '1.1.0', '1.0.0']);
      expect((await f.client.deployments.list({ status: ['active'] })).items.map((s) => s.id)).toEqual([again.id]);
    });
  });

  it('reconnects a dropped stream with Last-Event-ID and gets what it missed from the server', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    // the first connection drops right after its first deployment event; what the second receives is kept
    const second: string[] = [];
    f = await setUp((res, n) => (n === 1 ? dropAfterFirstEvent(res) : n === 2 ? copyText(res, second) : res));
    const d = await f.client.deployments.request({ environment: 'dev1', service: 'Hello', version: '1.1.0' });
    const w = follow(f, d.id);
    await vi.waitFor(() => expect(w.seen).toHaveLength(1));
    await drive(f, d.id); // provisioning: the event that ends the first connection
    await vi.waitFor(() => expect(w.seen.map((p) => p.status)).toContain('provisioning'));
    // while the client waits to reconnect, the deployment moves on
    await f.compute.settle();
    await drive(f, d.id);
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.waitFor(() => expect(f.streams).toHaveLength(2));
    // event 1 said the deployment was requested, event 2 that it was provisioning
    expect(f.streams[1]?.['last-event-id']).toBe('2');
    await vi.waitFor(() => expect(w.seen.at(-1)?.status).toBe('deploying'));
    // after `ready`, the server replayed the event the client missed
    expect(second.join('')).toMatch(/^event: ready\n[^\n]*\n\nevent: deployment\.updated\ndata: [^\n]*"status":"deploying"[^\n]*\nid: 3\n\n/);
    const instances = (await f.compute.listInstances({ group: 'dev1-in-Web' })).map((i) => i.id);
    for (const i of instances) await reportNode(f, d.id, i, 'Success');
    f.registry.healthy(d.id, instances);
    await drive(f, d.id);
    expect(await w.done).toMatchObject({ status: 'succeeded' });
    expect(w.sources.every((s) => s === 'stream')).toBe(true);
  });

  it('polls the deployment every second when the event stream cannot be opened', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    f = await setUp(() => new Response('{"code":"not-found"}', { status: 404, headers: { 'content-type': 'application/json' } }));
    const d = await f.client.deployments.request({ environment: 'dev1', service: 'Hello', version: '1.1.0' });
    const w = follow(f, d.id);
    await vi.waitFor(() => expect(w.seen).toHaveLength(1));
    const instances = await toDeploying(f, d.id);
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.waitFor(() => expect(w.seen.at(-1)?.status).toBe('deploying'));
    for (const i of instances) await reportNode(f, d.id, i, 'Failed', { FailedStage: 'AfterInstall', ErrorReason: 'disk full' });
    await drive(f, d.id);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await w.done).toMatchObject({ status: 'failed', nodes: [{ errorReason: 'disk full' }, { errorReason: 'disk full' }] });
    expect(new Set(w.sources)).toEqual(new Set(['poll']));
    // provisioning came and went between two reads: polling sees fewer steps than the stream
    expect(w.seen.map((p) => p.status)).toEqual(['requested', 'deploying', 'failed']);
  });
});

/** A copy of an SSE response that ends (as a dropped connection does) once the first deployment event has passed. */
function dropAfterFirstEvent(res: Response): Response {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const body = new ReadableStream<Uint8Array>({
    async pull(ctl) {
      const r = await reader.read();
      if (r.done) return ctl.close();
      ctl.enqueue(r.value);
      text += decoder.decode(r.value, { stream: true });
      if (/event: deployment\.updated[^\n]*\n[\s\S]*?\n\n/.test(text)) {
        void reader.cancel();
        ctl.close();
      }
    },
  });
  return new Response(body, { status: res.status, headers: res.headers });
}

/** The same response, its text also appended to `into` as it is read. */
function copyText(res: Response, into: string[]): Response {
  const decoder = new TextDecoder();
  const body = (res.body as ReadableStream<Uint8Array>).pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, ctl) {
        into.push(decoder.decode(chunk, { stream: true }));
        ctl.enqueue(chunk);
      },
    }),
  );
  return new Response(body, { status: res.status, headers: res.headers });
}
