import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryCompute } from '@envmgr/adapter-memory';
import { createItem, setScheduleSettings, type RequestContext } from '@envmgr/app';
import { aCluster, aDeploymentMap, anEnvironment, anEnvironmentType, aService } from '@envmgr/test-support';
import { loadConfig } from '../config.js';
import { composeServer, type Server } from '../compose.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const admin: RequestContext = { actor: { name: 'alice', kind: 'user', user: 'alice', permissions: [{ Resource: '**', Access: 'ADMIN' }] }, requestId: 'r1' };

describe('the scheduler in the composed server', () => {
  let server: Server | undefined;
  let dir = '';
  afterEach(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function compose(env: Record<string, string>): Promise<Server> {
    dir = await mkdtemp(join(tmpdir(), 'envmgr-scheduler-'));
    const loaded = loadConfig({ ENVMGR_DATA_DIR: dir, ENVMGR_STORE: 'memory', ...env });
    if (!loaded.ok) throw new TypeError(loaded.problems.join('; '));
    server = composeServer(loaded.config, quiet);
    return server;
  }

  it('refuses a scheduler lease shorter than three passes, naming the setting', () => {
    const loaded = loadConfig({ ENVMGR_SCHEDULER_INTERVAL_MS: '2000', ENVMGR_SCHEDULER_LEASE_MS: '5000' });
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.problems.join('\n')).toMatch(/ENVMGR_SCHEDULER_LEASE_MS.*at least 3 times ENVMGR_SCHEDULER_INTERVAL_MS/);
    const fine = loadConfig({ ENVMGR_SCHEDULER_INTERVAL_MS: '2000', ENVMGR_SCHEDULER_LEASE_MS: '6000' });
    expect(fine.ok && fine.config.schedulerLeaseMs).toBe(6000);
  });

  it('is not started while ENVMGR_SCHEDULER is off (the default)', async () => {
    expect((await compose({})).startScheduler()).toBeUndefined();
  });

  it('acts on the bound compute, records in its action log, and serves the scheduling routes', async () => {
    const s = await compose({ ENVMGR_SCHEDULER: 'on', ENVMGR_SCHEDULER_INTERVAL_MS: '60000' });
    const config = { store: s.store, clock: { now: () => Date.now() }, hasher: { sha256: (t: string) => t } };
    for (const [type, doc] of [
      ['clusters', aCluster()],
      ['environment-types', anEnvironmentType()],
      ['services', aService()],
      ['deployment-maps', aDeploymentMap('Standard', ['Search'])],
      ['environments', anEnvironment('c50')],
    ] as const) {
      await createItem(config, admin, type, doc);
    }
    await setScheduleSettings(config, admin, { environment: 'c50', defaultSchedule: 'OFF', scheduleAutomatically: true });
    const compute = createMemoryCompute();
    s.compute.bind(compute);
    await compute.createGroup({
      name: 'c50-in-Web', tags: { Environment: 'c50' }, size: { min: 0, desired: 1, max: 1 },
      launch: { image: 'img', instanceType: 't3.small', subnetType: 'PrivateApp', securityZone: 'Other', instanceProfile: 'p', volumes: [] },
    });
    await vi.waitFor(async () => expect((await compute.listInstances())[0]?.lifecycleState).toBe('InService'));
    expect(s.startScheduler()).toBeDefined();
    await vi.waitFor(async () => expect(await s.schedulingDeps.actions.list({ limit: 10 })).toEqual([expect.objectContaining({ action: 'putOutOfService', outcome: 'done' })]));
    expect((await s.app.request('/api/v1/schedule/savings')).status).toBe(401);
    expect((await s.app.request('/api/v1/instances/schedule-actions')).status).toBe(401);
    await s.stopScheduler();
  });
});
