import { CorruptDataError, type FieldProblem } from '@envmgr/domain';
import type { GroupSpec, Instance } from '@envmgr/ports';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLocalCompute, type LocalCompute, type LocalComputeOptions } from './local-compute.js';
import { createProcessLauncher } from './process-launcher.js';
import { createSleeperLauncher, type SleeperLauncher } from './testing.js';

const spec = (name: string, desired: number, max = 10): GroupSpec => ({
  name,
  tags: { Environment: 'd01', EnvironmentType: 'Dev', Role: 'Web', OwningCluster: 'Infra', 'aws:odd name': 'x' },
  size: { min: 0, desired, max },
  launch: { image: 'img-1.0.0', instanceType: 't3.small', subnetType: 'PrivateApp', securityZone: 'Other', instanceProfile: 'roleInfraWeb', volumes: [] },
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A root folder and a launcher, both cleaned up after the test; `open` builds adapters over them (a "restart"). */
async function setup(launcher: SleeperLauncher = createSleeperLauncher()) {
  const root = await mkdtemp(join(tmpdir(), 'envmgr-compute-local-'));
  const errors: unknown[] = [];
  cleanups.push(async () => {
    await launcher.killAll();
    await rm(root, { recursive: true, force: true });
  });
  const open = (extra: Partial<LocalComputeOptions> = {}): LocalCompute => {
    // A long interval: these tests drive the passes with reconcile().
    const compute = createLocalCompute({ root, launcher, reconcileIntervalMs: 60_000, onError: (e) => errors.push(e), ...extra });
    cleanups.push(() => compute.close());
    return compute;
  };
  return { root, launcher, errors, open };
}

/** Reconciles until the group has `n` running InService members; returns them. */
const converged = (compute: LocalCompute, group: string, n: number): Promise<Instance[]> =>
  vi.waitFor(
    async () => {
      await compute.reconcile();
      const members = (await compute.listInstances({ group })).filter((i) => i.lifecycleState === 'InService' && i.state === 'running');
      expect(members).toHaveLength(n);
      expect(await compute.listInstances({ group, states: ['pending', 'stopping'] })).toEqual([]);
      return members;
    },
    { timeout: 10_000, interval: 20 },
  );

const recordOf = async (root: string, id: string): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(join(root, 'instances', id, 'instance.json'), 'utf8')) as Record<string, unknown>;
const pidOf = async (root: string, id: string): Promise<number> => (await recordOf(root, id)).pid as number;

describe('local compute', () => {
  it('runs each instance as a real process in its folder, with its identity in the environment', async () => {
    const { root, launcher, open } = await setup();
    const compute = open();
    await compute.createGroup(spec('d01-in-Web', 1));
    const [i] = await converged(compute, 'd01-in-Web', 1);
    const id = i?.id ?? '';
    const dir = join(root, 'instances', id);
    const pid = await pidOf(root, id);
    expect(launcher.isAlive(pid)).toBe(true);
    expect(existsSync(join(dir, 'agent.log'))).toBe(true);
    const env = await vi.waitFor(async () => JSON.parse(await readFile(join(dir, 'env.json'), 'utf8')) as Record<string, string>);
    expect(env).toMatchObject({
      EM_INSTANCE_ID: id,
      EM_INSTANCE_DIR: dir,
      EM_INSTANCE_NAME: i?.name,
      EM_PRIVATE_ADDRESS: '127.0.0.1',
      EM_GROUP: 'd01-in-Web',
      EM_TAG_Environment: 'd01',
      EM_TAG_EnvironmentType: 'Dev',
      EM_TAG_Role: 'Web',
      EM_TAG_OwningCluster: 'Infra',
      EM_TAG_aws_odd_name: 'x',
      EM_PORTS_FIRST: String(i?.servicePorts?.first),
      EM_PORTS_LAST: String(i?.servicePorts?.last),
    });
    expect(i?.privateAddress).toBe('127.0.0.1');
    expect(i?.servicePorts?.first).toBeGreaterThanOrEqual(41000);
    expect((i?.servicePorts?.last ?? 0) - (i?.servicePorts?.first ?? 0)).toBe(19);
    expect(await recordOf(root, id)).toMatchObject({ id, state: 'running', lifecycleState: 'InService', group: 'd01-in-Web', pid });
    expect(JSON.parse(await readFile(join(root, 'groups', 'd01-in-Web.json'), 'utf8'))).toMatchObject({ name: 'd01-in-Web', size: { desired: 1 } });
  });

  it('replaces an instance whose process was killed with a new instance, terminating the dead one', async () => {
    const { root, launcher, errors, open } = await setup();
    const compute = open();
    await compute.createGroup(spec('g', 2));
    const before = await converged(compute, 'g', 2);
    const victim = before[0]?.id ?? '';
    const survivor = before[1]?.id ?? '';
    const pid = await pidOf(root, victim);
    process.kill(pid, 'SIGKILL');
    await vi.waitFor(() => expect(launcher.isAlive(pid)).toBe(false));
    const after = await converged(compute, 'g', 2);
    expect(after.map((i) => i.id)).toContain(survivor);
    expect(after.map((i) => i.id)).not.toContain(victim);
    const dead = await compute.getInstance(victim);
    expect(dead).toMatchObject({ state: 'terminated', lifecycleState: undefined, group: 'g' });
    expect((await recordOf(root, victim)).stateReason).toMatch(/exited without being stopped/);
    expect(launcher.started).toHaveLength(3);
    expect(errors).toEqual([]);
  });

  it('re-adopts live instances after a restart, without duplicates or new processes', async () => {
    const { root, launcher, open } = await setup();
    const first = open();
    await first.createGroup(spec('g', 3));
    const ids = (await converged(first, 'g', 3)).map((i) => i.id).sort();
    const pids = await Promise.all(ids.map((id) => pidOf(root, id)));
    await first.close();
    expect(pids.every((pid) => launcher.isAlive(pid))).toBe(true); // close() leaves instances running

    const second = open();
    for (let pass = 0; pass < 3; pass++) await second.reconcile();
    expect((await converged(second, 'g', 3)).map((i) => i.id).sort()).toEqual(ids);
    expect(await Promise.all(ids.map((id) => pidOf(root, id)))).toEqual(pids);
    expect(launcher.started).toHaveLength(3);
    expect(await second.listInstances({ states: ['pending', 'running', 'stopping', 'stopped', 'terminated'] })).toHaveLength(3);
  });

  it('relaunches in place the running instances whose processes are gone after a restart', async () => {
    const { root, launcher, open } = await setup();
    const first = open();
    await first.createGroup(spec('g', 2));
    const ids = (await converged(first, 'g', 2)).map((i) => i.id).sort();
    await first.close();
    await launcher.killAll(); // as after a reboot of the machine

    const second = open();
    expect((await converged(second, 'g', 2)).map((i) => i.id).sort()).toEqual(ids);
    for (const id of ids) expect(launcher.isAlive(await pidOf(root, id))).toBe(true);
    expect(launcher.started).toHaveLength(4);
    expect(await second.listInstances({ states: ['terminated'] })).toEqual([]);
  });

  it('does not adopt an unrelated process that took a recorded pid, nor signal it', async () => {
    const { root, launcher, open } = await setup();
    const stranger = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' });
    const strangerPid = stranger.pid ?? 0;
    cleanups.push(async () => void stranger.kill('SIGKILL'));
    const first = open();
    await first.createGroup(spec('g', 1));
    const [i] = await converged(first, 'g', 1);
    const id = i?.id ?? '';
    await first.close();
    await launcher.killAll();
    // As after a reboot: the recorded pid now belongs to someone else.
    const file = join(root, 'instances', id, 'instance.json');
    await writeFile(file, JSON.stringify({ ...(await recordOf(root, id)), pid: strangerPid }));

    const second = open();
    expect((await converged(second, 'g', 1))[0]?.id).toBe(id);
    expect(await pidOf(root, id)).not.toBe(strangerPid);
    await second.terminateInstances([id]);
    await converged(second, 'g', 1);
    expect(stranger.exitCode).toBeNull();
    expect(launcher.isAlive(strangerPid)).toBe(true);
  });

  it('stops and starts an instance keeping its id, folder, data and ports', async () => {
    const { root, launcher, open } = await setup();
    const compute = open();
    await compute.createGroup(spec('g', 1));
    const [i] = await converged(compute, 'g', 1);
    const id = i?.id ?? '';
    const dir = join(root, 'instances', id);
    await writeFile(join(dir, 'data.txt'), 'kept');
    const pid = await pidOf(root, id);
    await compute.enterStandby([id]);
    await compute.stopInstances([id]);
    await vi.waitFor(async () => {
      await compute.reconcile();
      expect((await compute.getInstance(id))?.state).toBe('stopped');
    });
    expect(launcher.isAlive(pid)).toBe(false);
    expect(await recordOf(root, id)).not.toHaveProperty('pid');
    expect(await readFile(join(dir, 'data.txt'), 'utf8')).toBe('kept');

    await compute.startInstances([id]);
    await vi.waitFor(async () => {
      await compute.reconcile();
      expect((await compute.getInstance(id))?.state).toBe('running');
    });
    const restarted = await pidOf(root, id);
    expect(restarted).not.toBe(pid);
    expect(launcher.isAlive(restarted)).toBe(true);
    expect(await compute.getInstance(id)).toMatchObject({ servicePorts: i?.servicePorts, lifecycleState: 'Standby' });
    expect(await readFile(join(dir, 'data.txt'), 'utf8')).toBe('kept');
  });

  it('gives every instance its own port block, never one held by a stopped instance', async () => {
    const { open } = await setup();
    const compute = open();
    await compute.createGroup(spec('a', 4));
    await compute.createGroup(spec('b', 3));
    const [parked] = await converged(compute, 'a', 4);
    await converged(compute, 'b', 3);
    await compute.enterStandby([parked?.id ?? '']);
    await compute.stopInstances([parked?.id ?? '']);
    await compute.setDesiredCapacity('a', 6);
    await converged(compute, 'a', 6);
    const all = await compute.listInstances({});
    expect(all).toHaveLength(10);
    const ranges = all.map((i) => i.servicePorts ?? { first: 0, last: -1 }).sort((x, y) => x.first - y.first);
    for (const r of ranges) {
      expect(r.last - r.first).toBe(19);
      expect(r.first).toBeGreaterThanOrEqual(41000);
      expect(r.last).toBeLessThanOrEqual(49999);
    }
    ranges.slice(1).forEach((r, k) => expect(r.first).toBeGreaterThan(ranges[k]?.last ?? Infinity));
  });

  it('marks a dead member unhealthy instead of replacing it while ReplaceUnhealthy is suspended', async () => {
    const { root, open } = await setup();
    const compute = open();
    await compute.createGroup(spec('g', 1));
    const [i] = await converged(compute, 'g', 1);
    const id = i?.id ?? '';
    await compute.suspendProcesses('g', ['ReplaceUnhealthy']);
    process.kill(await pidOf(root, id), 'SIGKILL');
    await vi.waitFor(async () => {
      await compute.reconcile();
      expect(await compute.getInstance(id)).toMatchObject({ health: 'Unhealthy', lifecycleState: 'InService' });
    });
    expect(await compute.listInstances({ group: 'g' })).toHaveLength(1);
    await compute.resumeProcesses('g');
    expect((await converged(compute, 'g', 1))[0]?.id).not.toBe(id);
    expect((await compute.getInstance(id))?.state).toBe('terminated');
  });

  it('purges terminated instances and their folders after the retention time', async () => {
    let now = Date.UTC(2026, 0, 1);
    const { root, open } = await setup();
    const compute = open({ clock: { now: () => now }, terminatedRetentionMs: 60_000 });
    await compute.createGroup(spec('g', 1));
    const [i] = await converged(compute, 'g', 1);
    await compute.terminateInstances([i?.id ?? ''], { decrementDesired: true });
    await vi.waitFor(async () => {
      await compute.reconcile();
      expect((await compute.getInstance(i?.id ?? ''))?.state).toBe('terminated');
    });
    now += 61_000;
    await compute.reconcile();
    expect(await compute.getInstance(i?.id ?? '')).toBeUndefined();
    expect(existsSync(join(root, 'instances', i?.id ?? ''))).toBe(false);
  });

  it('terminates an instance whose process cannot start, and reports why', async () => {
    const { errors, open } = await setup();
    const broken = createProcessLauncher({ command: '/nonexistent/em-agent' });
    const compute = open({ launcher: broken, clock: { now: () => Date.UTC(2026, 0, 1) } }); // time stands still
    await compute.createGroup(spec('g', 1));
    await compute.reconcile();
    const [failed] = await compute.listInstances({ group: 'g', states: ['terminated'] });
    expect(failed).toBeDefined();
    expect(errors.length).toBeGreaterThan(0);
    await compute.reconcile(); // backing off: no second attempt within the first second
    expect(await compute.listInstances({ group: 'g', states: ['pending', 'running', 'terminated'] })).toHaveLength(1);
  });

  it('refuses to work over a damaged record', async () => {
    const { root, open } = await setup();
    await open().close();
    await writeFile(join(root, 'groups', 'bad.json'), '{"name": 1}');
    const compute = open();
    await expect(compute.listGroups()).rejects.toBeInstanceOf(CorruptDataError);
  });

  it('refuses a group name it cannot store', async () => {
    const { open } = await setup();
    const compute = open();
    const err: unknown = await compute.createGroup(spec('', 0)).catch((e: unknown) => e);
    expect((err as { errors: FieldProblem[] }).errors[0]?.path).toBe('name');
    await compute.createGroup(spec('odd/name..x', 0));
    expect((await compute.getGroup('odd/name..x'))?.name).toBe('odd/name..x');
  });
});
