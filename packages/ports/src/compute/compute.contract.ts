import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AlreadyExistsError, GroupNotEmptyError, InstanceStateError, NotFoundError, ValidationError } from '@envmgr/domain';
import type { Compute, GroupSize, GroupSpec, Instance, LaunchSettings, Tags } from './compute.js';

export interface ComputeFixture {
  compute: Compute;
  /**
   * Lets the adapter finish what it would do by itself right now (the local adapter: one reconcile pass; a cloud
   * adapter: a wait). Called before asserting that something did NOT happen, such as a replacement.
   */
  settle(): Promise<void>;
  /** How long the suite waits for a group to converge. @default 15_000 */
  convergeTimeoutMs?: number;
  dispose(): Promise<void>;
}

const LAUNCH: LaunchSettings = {
  image: 'RHEL-7-NodeJS-3.2.1',
  instanceType: 't3.small',
  subnetType: 'PrivateApp',
  securityZone: 'Other',
  instanceProfile: 'roleInfraWeb',
  volumes: [
    { device: '/dev/sda1', sizeGb: 30, type: 'ssd', encrypted: false },
    { device: '/dev/sda2', sizeGb: 10, type: 'ssd', encrypted: true },
  ],
};

let seq = 0;
/** Unique per test run, so that a fixture sharing one cloud account between tests never sees another test's group. */
const uniqueName = (role = 'Web'): string => `c${Date.now().toString(36)}${++seq}-ct-${role}`;

function groupSpec(size: Partial<GroupSize> = {}, tags: Tags = {}, name = uniqueName()): GroupSpec {
  return {
    name,
    tags: { Environment: 'c01', EnvironmentType: 'Cluster', Role: 'Web', OwningCluster: 'Infra', ...tags },
    size: { min: 0, desired: 1, max: 4, ...size },
    launch: LAUNCH,
    instanceNamePrefix: 'c01-ct',
  };
}

const isCounted = (i: Instance): boolean => i.lifecycleState === 'Pending' || i.lifecycleState === 'InService';
const MISSING_ID = 'i-0000000000000dead';

/** The behaviour every Compute adapter shares. Call it from each adapter's `*.contract.test.ts`. */
export function computeContract(name: string, setup: () => Promise<ComputeFixture>): void {
  describe(`Compute contract: ${name}`, () => {
    let f: ComputeFixture;
    let compute: Compute;
    beforeEach(async () => {
      f = await setup();
      compute = f.compute;
    });
    afterEach(() => f.dispose());

    /** Retries `check` (which asserts) every 20 ms until it passes, failing with its last error after the timeout. */
    const converge = <T>(check: () => Promise<T>): Promise<T> =>
      vi.waitFor(check, { timeout: f.convergeTimeoutMs ?? 15_000, interval: 20 });

    /** Waits until the group has exactly `n` counted members, all running and InService; returns them. */
    const inService = (group: string, n: number): Promise<Instance[]> =>
      converge(async () => {
        const counted = (await compute.listInstances({ group })).filter(isCounted);
        expect(counted).toHaveLength(n);
        for (const i of counted) expect(i).toMatchObject({ state: 'running', lifecycleState: 'InService' });
        return counted;
      });

    const stateOf = async (id: string): Promise<string | undefined> => (await compute.getInstance(id))?.state;
    const waitForState = (id: string, state: Instance['state']): Promise<void> =>
      converge(async () => {
        expect(await stateOf(id)).toBe(state);
      });
    const countedNow = async (group: string): Promise<Instance[]> => (await compute.listInstances({ group })).filter(isCounted);
    const only = <T>(xs: T[]): T => {
      expect(xs).toHaveLength(1);
      return xs[0] as T;
    };

    it('returns undefined for a missing group or instance', async () => {
      expect(await compute.getGroup('no-such-group')).toBeUndefined();
      expect(await compute.getInstance(MISSING_ID)).toBeUndefined();
      expect(await compute.listInstances({ group: 'no-such-group' })).toEqual([]);
    });

    it('creates a group whose desired instances appear, run and go InService', async () => {
      const spec = groupSpec({ desired: 2 });
      const group = await compute.createGroup(spec);
      expect(group).toMatchObject({ ...spec, suspendedProcesses: [] });
      expect(Number.isNaN(Date.parse(group.createdTime))).toBe(false);
      expect(await compute.getGroup(spec.name)).toEqual(group);
      const instances = await inService(spec.name, 2);
      for (const i of instances) {
        expect(i.id).toMatch(/^i-[0-9a-f]{17}$/);
        expect(i).toMatchObject({ group: spec.name, health: 'Healthy', name: `c01-ct-${i.id.slice(2)}` });
        expect(i.tags).toEqual({ ...spec.tags, Name: i.name });
        expect(i.privateAddress).toEqual(expect.any(String));
        expect(Number.isNaN(Date.parse(i.launchTime))).toBe(false);
        expect(await compute.getInstance(i.id)).toEqual(i);
      }
      expect(new Set(instances.map((i) => i.id)).size).toBe(2);
    });

    it('refuses a second group of the same name', async () => {
      const spec = groupSpec({ desired: 0 });
      await compute.createGroup(spec);
      await expect(compute.createGroup(spec)).rejects.toBeInstanceOf(AlreadyExistsError);
    });

    it('refuses sizes outside min <= desired <= max and changes nothing', async () => {
      await expect(compute.createGroup(groupSpec({ min: 2, desired: 1, max: 3 }))).rejects.toBeInstanceOf(ValidationError);
      await expect(compute.createGroup(groupSpec({ min: 0, desired: 1, max: -1 }))).rejects.toBeInstanceOf(ValidationError);
      const spec = groupSpec({ min: 0, desired: 0, max: 2 });
      await compute.createGroup(spec);
      await expect(compute.setDesiredCapacity(spec.name, 3)).rejects.toBeInstanceOf(ValidationError);
      await expect(compute.updateGroup(spec.name, { size: { min: 2, max: 1 } })).rejects.toBeInstanceOf(ValidationError);
      await expect(compute.updateGroup(spec.name, { size: { desired: 5 } })).rejects.toBeInstanceOf(ValidationError);
      expect((await compute.getGroup(spec.name))?.size).toEqual({ min: 0, desired: 0, max: 2 });
    });

    it('scales up and down to the desired size, terminating the surplus', async () => {
      const spec = groupSpec({ desired: 1 });
      await compute.createGroup(spec);
      await inService(spec.name, 1);
      expect((await compute.setDesiredCapacity(spec.name, 3)).size.desired).toBe(3);
      const three = await inService(spec.name, 3);
      await compute.setDesiredCapacity(spec.name, 1);
      const [kept] = await inService(spec.name, 1);
      const gone = three.filter((i) => i.id !== kept?.id);
      expect(gone).toHaveLength(2);
      for (const i of gone) await waitForState(i.id, 'terminated');
      const terminated = await compute.listInstances({ group: spec.name, states: ['terminated'] });
      expect(terminated.map((i) => i.id).sort()).toEqual(gone.map((i) => i.id).sort());
      expect(terminated.every((i) => i.lifecycleState === undefined)).toBe(true);
    });

    it('updates size and tags; instances launched afterwards carry the new tags', async () => {
      const spec = groupSpec({ desired: 1, max: 2 }, { Schedule: '' });
      await compute.createGroup(spec);
      const [first] = await inService(spec.name, 1);
      const tags = { ...spec.tags, Schedule: '247' };
      const updated = await compute.updateGroup(spec.name, { size: { max: 5, desired: 2 }, tags });
      expect(updated).toMatchObject({ tags, size: { min: 0, desired: 2, max: 5 } });
      const both = await inService(spec.name, 2);
      const second = both.find((i) => i.id !== first?.id);
      expect(second?.tags.Schedule).toBe('247');
      expect((await compute.getInstance(first?.id ?? ''))?.tags.Schedule).toBe('');
      expect((await compute.updateGroup(spec.name, { size: { min: 3 } })).size).toEqual({ min: 3, desired: 3, max: 5 });
    });

    it('puts a member in standby, lowering desired without replacing it, and brings it back', async () => {
      const spec = groupSpec({ desired: 2 });
      await compute.createGroup(spec);
      const [a] = await inService(spec.name, 2);
      const id = a?.id ?? '';
      expect(only(await compute.enterStandby([id]))).toMatchObject({ id, lifecycleState: 'Standby' });
      expect((await compute.getGroup(spec.name))?.size.desired).toBe(1);
      await f.settle();
      expect(await countedNow(spec.name)).toHaveLength(1);
      expect(await compute.getInstance(id)).toMatchObject({ state: 'running', lifecycleState: 'Standby' });
      expect(only(await compute.exitStandby([id]))).toMatchObject({ id, lifecycleState: 'InService' });
      expect((await compute.getGroup(spec.name))?.size.desired).toBe(2);
      expect((await inService(spec.name, 2)).map((i) => i.id)).toContain(id);
    });

    it('replaces a member put in standby without decrementing desired', async () => {
      const spec = groupSpec({ desired: 1 });
      await compute.createGroup(spec);
      const [a] = await inService(spec.name, 1);
      await compute.enterStandby([a?.id ?? ''], false);
      const [replacement] = await inService(spec.name, 1);
      expect(replacement?.id).not.toBe(a?.id);
      expect((await compute.getGroup(spec.name))?.size.desired).toBe(1);
    });

    it('refuses standby moves from the wrong lifecycle state and below the minimum', async () => {
      const spec = groupSpec({ min: 1, desired: 2 });
      await compute.createGroup(spec);
      const [a, b] = await inService(spec.name, 2);
      await expect(compute.exitStandby([a?.id ?? ''])).rejects.toBeInstanceOf(InstanceStateError);
      await compute.enterStandby([a?.id ?? '']);
      await expect(compute.enterStandby([a?.id ?? ''])).rejects.toBeInstanceOf(InstanceStateError);
      await expect(compute.enterStandby([b?.id ?? ''])).rejects.toBeInstanceOf(ValidationError);
      expect((await compute.getInstance(b?.id ?? ''))?.lifecycleState).toBe('InService');
    });

    it('stops and starts a standby member, keeping the instance and its id', async () => {
      const spec = groupSpec({ desired: 1 });
      await compute.createGroup(spec);
      const [a] = await inService(spec.name, 1);
      const id = a?.id ?? '';
      await expect(compute.stopInstances([id])).rejects.toBeInstanceOf(InstanceStateError);
      await compute.enterStandby([id]);
      await compute.stopInstances([id]);
      await waitForState(id, 'stopped');
      await f.settle();
      expect(await compute.getInstance(id)).toMatchObject({ state: 'stopped', lifecycleState: 'Standby', group: spec.name });
      expect(await countedNow(spec.name)).toEqual([]);
      await expect(compute.exitStandby([id])).rejects.toBeInstanceOf(InstanceStateError);
      await compute.startInstances([id]);
      await waitForState(id, 'running');
      await compute.exitStandby([id]);
      expect(only(await inService(spec.name, 1)).id).toBe(id);
    });

    it('replaces a terminated member while desired stays', async () => {
      const spec = groupSpec({ desired: 1 });
      await compute.createGroup(spec);
      const [a] = await inService(spec.name, 1);
      await compute.terminateInstances([a?.id ?? '']);
      await waitForState(a?.id ?? '', 'terminated');
      const [replacement] = await inService(spec.name, 1);
      expect(replacement?.id).not.toBe(a?.id);
      expect((await compute.getGroup(spec.name))?.size.desired).toBe(1);
      await expect(compute.startInstances([a?.id ?? ''])).rejects.toBeInstanceOf(InstanceStateError);
    });

    it('does not replace a member terminated with decrementDesired', async () => {
      const spec = groupSpec({ desired: 2 });
      await compute.createGroup(spec);
      const [a, b] = await inService(spec.name, 2);
      await compute.terminateInstances([a?.id ?? ''], { decrementDesired: true });
      expect((await compute.getGroup(spec.name))?.size.desired).toBe(1);
      await waitForState(a?.id ?? '', 'terminated');
      await f.settle();
      expect((await countedNow(spec.name)).map((i) => i.id)).toEqual([b?.id]);
    });

    it('launches nothing while Launch is suspended, and catches up when resumed', async () => {
      const spec = groupSpec({ desired: 1 });
      await compute.createGroup(spec);
      const [a] = await inService(spec.name, 1);
      expect((await compute.suspendProcesses(spec.name, ['Launch'])).suspendedProcesses).toEqual(['Launch']);
      await compute.terminateInstances([a?.id ?? '']);
      await waitForState(a?.id ?? '', 'terminated');
      await f.settle();
      expect(await countedNow(spec.name)).toEqual([]);
      expect((await compute.resumeProcesses(spec.name, ['Launch'])).suspendedProcesses).toEqual([]);
      expect(only(await inService(spec.name, 1)).id).not.toBe(a?.id);
    });

    it('filters groups and instances by tags, group and state', async () => {
      const g1 = groupSpec({ desired: 1 }, { Environment: 'e1' });
      const g2 = groupSpec({ desired: 1 }, { Environment: 'e2', Role: 'Worker' }, uniqueName('Worker'));
      await compute.createGroup(g1);
      await compute.createGroup(g2);
      const [i1] = await inService(g1.name, 1);
      const [i2] = await inService(g2.name, 1);
      const names = async (q?: Parameters<Compute['listGroups']>[0]): Promise<string[]> => (await compute.listGroups(q)).map((g) => g.name);
      expect(await names({ tagFilters: { Environment: 'e1' } })).toEqual([g1.name]);
      expect(await names({ tagFilters: { Environment: ['e2', 'e3'] } })).toEqual([g2.name]);
      expect(await names({ tagFilters: { Environment: 'e1', Role: 'Worker' } })).toEqual([]);
      expect(await names({ tagFilters: { NoSuchTag: 'x' } })).toEqual([]);
      expect((await names()).filter((n) => n === g1.name || n === g2.name).sort()).toEqual([g1.name, g2.name].sort());
      const ids = async (q: Parameters<Compute['listInstances']>[0]): Promise<string[]> => (await compute.listInstances(q)).map((i) => i.id);
      expect(await ids({ tagFilters: { Role: 'Worker', Environment: 'e2' } })).toEqual([i2?.id]);
      expect(await ids({ tagFilters: { Environment: ['e1', 'e2'] }, group: g1.name })).toEqual([i1?.id]);
      expect(await ids({ group: g1.name, states: ['stopped', 'terminated'] })).toEqual([]);
      expect(await ids({ group: g1.name, states: ['running'] })).toEqual([i1?.id]);
    });

    it('sets and removes instance tags, leaving the others', async () => {
      const spec = groupSpec({ desired: 1 });
      await compute.createGroup(spec);
      const [a] = await inService(spec.name, 1);
      const id = a?.id ?? '';
      await compute.setInstanceTags([id], { Maintenance: 'true', Schedule: 'OFF' });
      expect((await compute.getInstance(id))?.tags).toMatchObject({ ...spec.tags, Maintenance: 'true', Schedule: 'OFF' });
      await compute.setInstanceTags([id], { Maintenance: null, Name: 'renamed' });
      const got = await compute.getInstance(id);
      expect(got?.tags).toEqual({ ...spec.tags, Schedule: 'OFF', Name: 'renamed' });
      expect(got?.name).toBe('renamed');
      expect(await compute.listInstances({ tagFilters: { Schedule: 'OFF' } })).toHaveLength(1);
      await expect(compute.setInstanceTags([id], { '': 'x' })).rejects.toBeInstanceOf(ValidationError);
    });

    it('refuses to delete a group with instances unless forced, and then terminates them', async () => {
      const spec = groupSpec({ desired: 2 });
      await compute.createGroup(spec);
      const members = await inService(spec.name, 2);
      await expect(compute.deleteGroup(spec.name)).rejects.toBeInstanceOf(GroupNotEmptyError);
      await compute.deleteGroup(spec.name, { force: true });
      expect(await compute.getGroup(spec.name)).toBeUndefined();
      for (const i of members) await waitForState(i.id, 'terminated');
      await f.settle();
      expect(await compute.listInstances({ group: spec.name })).toEqual([]);
      await expect(compute.deleteGroup(spec.name)).rejects.toBeInstanceOf(NotFoundError);
      const empty = groupSpec({ desired: 0 });
      await compute.createGroup(empty);
      await compute.deleteGroup(empty.name);
      expect(await compute.getGroup(empty.name)).toBeUndefined();
    });

    it('throws NotFoundError for a missing group or instance and changes nothing', async () => {
      await expect(compute.setDesiredCapacity('no-such-group', 1)).rejects.toBeInstanceOf(NotFoundError);
      await expect(compute.updateGroup('no-such-group', { tags: {} })).rejects.toBeInstanceOf(NotFoundError);
      await expect(compute.suspendProcesses('no-such-group')).rejects.toBeInstanceOf(NotFoundError);
      const spec = groupSpec({ desired: 1 });
      await compute.createGroup(spec);
      const [a] = await inService(spec.name, 1);
      const id = a?.id ?? '';
      await expect(compute.terminateInstances([id, MISSING_ID])).rejects.toBeInstanceOf(NotFoundError);
      await expect(compute.enterStandby([id, MISSING_ID])).rejects.toBeInstanceOf(NotFoundError);
      await expect(compute.stopInstances([MISSING_ID])).rejects.toBeInstanceOf(NotFoundError);
      await expect(compute.startInstances([MISSING_ID])).rejects.toBeInstanceOf(NotFoundError);
      await expect(compute.setInstanceTags([MISSING_ID], { A: 'b' })).rejects.toBeInstanceOf(NotFoundError);
      await f.settle();
      expect(await compute.getInstance(id)).toMatchObject({ state: 'running', lifecycleState: 'InService' });
    });
  });
}
