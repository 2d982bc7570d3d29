import { describe, expect, it } from 'vitest';
import { NotFoundError } from '@envmgr/domain';
import type { GroupSpec } from '@envmgr/ports';
import { createMemoryCompute } from './memory-compute.js';

const spec = (desired: number, name = 'pr1-in-Web'): GroupSpec => ({
  name,
  tags: { Environment: 'pr1', Role: 'Web', OwningCluster: 'Infra' },
  size: { min: 0, desired, max: 5 },
  launch: { image: 'Ubuntu-22.04.1', instanceType: 't3.small', subnetType: 'PrivateApp', securityZone: 'Other', instanceProfile: 'roleInfraWeb', volumes: [] },
  instanceNamePrefix: 'pr1-in',
});

function aFakeClock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('memory compute: test hooks', () => {
  it('moves nothing without autoConverge until step() or settle(), one step per pass', async () => {
    const compute = createMemoryCompute({ autoConverge: false });
    await compute.createGroup(spec(2));
    expect(await compute.listInstances()).toEqual([]);
    expect(compute.step()).toBe(true);
    const launched = await compute.listInstances();
    expect(launched.map((i) => [i.state, i.lifecycleState])).toEqual([
      ['pending', 'Pending'],
      ['pending', 'Pending'],
    ]);
    compute.step();
    expect((await compute.listInstances()).every((i) => i.state === 'running' && i.lifecycleState === 'InService')).toBe(true);
    expect(compute.step()).toBe(false);
  });

  it('gives sequential EC2-like ids, distinct addresses and the Name tag', async () => {
    const compute = createMemoryCompute({ autoConverge: false });
    await compute.createGroup(spec(2));
    await compute.settle();
    const [a, b] = await compute.listInstances();
    expect(a).toMatchObject({ id: 'i-0e000000000000001', name: 'pr1-in-0e000000000000001', privateAddress: '10.0.0.2' });
    expect(b).toMatchObject({ id: 'i-0e000000000000002', privateAddress: '10.0.0.3' });
    expect(a?.tags).toEqual({ Environment: 'pr1', Role: 'Web', OwningCluster: 'Infra', Name: 'pr1-in-0e000000000000001' });
  });

  it('kill(): a dead member is terminated and replaced', async () => {
    const compute = createMemoryCompute({ autoConverge: false });
    await compute.createGroup(spec(1));
    await compute.settle();
    const [a] = await compute.listInstances();
    compute.kill(a?.id ?? '');
    await compute.settle();
    expect((await compute.getInstance(a?.id ?? ''))?.state).toBe('terminated');
    const [replacement] = await compute.listInstances({ group: 'pr1-in-Web' });
    expect(replacement).toMatchObject({ state: 'running', lifecycleState: 'InService' });
    expect(replacement?.id).not.toBe(a?.id);
    expect(() => compute.kill('i-0000000000000dead')).toThrow(NotFoundError);
  });

  it('kill(): with HealthCheck suspended nobody notices; with ReplaceUnhealthy suspended it is only marked Unhealthy', async () => {
    const compute = createMemoryCompute({ autoConverge: false });
    await compute.createGroup(spec(2));
    await compute.settle();
    const [a, b] = await compute.listInstances();
    await compute.suspendProcesses('pr1-in-Web', ['HealthCheck']);
    compute.kill(a?.id ?? '');
    await compute.settle();
    expect(await compute.getInstance(a?.id ?? '')).toMatchObject({ state: 'running', health: 'Healthy' });
    await compute.resumeProcesses('pr1-in-Web');
    await compute.suspendProcesses('pr1-in-Web', ['ReplaceUnhealthy']);
    compute.kill(b?.id ?? '');
    await compute.settle();
    expect(await compute.getInstance(b?.id ?? '')).toMatchObject({ state: 'running', health: 'Unhealthy', lifecycleState: 'InService' });
  });

  it('converges by itself after a change, and forgets terminated instances after the retention', async () => {
    const clock = aFakeClock();
    const compute = createMemoryCompute({ clock, terminatedRetentionMs: 60_000 });
    await compute.createGroup(spec(1));
    await expect.poll(async () => (await compute.listInstances()).map((i) => i.state)).toEqual(['running']);
    const [a] = await compute.listInstances();
    await compute.terminateInstances([a?.id ?? ''], { decrementDesired: true });
    await expect.poll(async () => (await compute.getInstance(a?.id ?? ''))?.state).toBe('terminated');
    clock.advance(60_001);
    await compute.settle();
    expect(await compute.getInstance(a?.id ?? '')).toBeUndefined();
    await compute.close();
  });
});
