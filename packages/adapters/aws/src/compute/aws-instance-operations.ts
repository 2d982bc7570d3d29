import { EnterStandbyCommand, ExitStandbyCommand, TerminateInstanceInAutoScalingGroupCommand, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { CreateTagsCommand, DeleteTagsCommand, StartInstancesCommand, StopInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { InstanceStateError, ValidationError } from '@envmgr/domain';
import { checkDesiredChange, type Instance, type TerminateOptions } from '@envmgr/ports';
import { isHiddenTag, toGroup } from './aws-records.js';
import { call, describeGroups, mustReadInstances, type AwsClients } from './aws-reads.js';

const isCounted = (i: Instance): boolean => i.lifecycleState === 'Pending' || i.lifecycleState === 'InService';

/** Members grouped by their group's name, in first-seen order. */
function byGroup(instances: readonly Instance[]): Map<string, Instance[]> {
  const out = new Map<string, Instance[]>();
  for (const i of instances) if (i.group !== undefined && i.lifecycleState !== undefined) out.set(i.group, [...(out.get(i.group) ?? []), i]);
  return out;
}

/** Refuses a desired-size change per group that leaves its bounds (before anything changes). */
async function checkDesired(c: AwsClients, deltas: Map<string, number>, why: string): Promise<AutoScalingGroup[]> {
  if (deltas.size === 0) return [];
  const groups = await describeGroups(c, [...deltas.keys()]);
  for (const g of groups.map(toGroup)) checkDesiredChange(g, deltas.get(g.name) ?? 0, why);
  return groups;
}

// Standby calls take at most 20 instances each (Auto Scaling's limit).
const chunks = <T>(xs: readonly T[], n = 20): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, k) => xs.slice(k * n, (k + 1) * n));

export async function enterStandby(c: AwsClients, ids: readonly string[], decrementDesired: boolean): Promise<Instance[]> {
  const instances = await mustReadInstances(c, ids);
  for (const i of instances) {
    if (i.lifecycleState !== 'InService') throw new InstanceStateError(i.id, i.lifecycleState ?? 'not a group member', 'only InService members can enter Standby');
  }
  const groups = byGroup(instances);
  if (decrementDesired) await checkDesired(c, new Map([...groups].map(([g, xs]) => [g, -xs.length])), 'entering standby');
  for (const [group, members] of groups) {
    for (const part of chunks(members.map((i) => i.id))) {
      await call(c, `moving instances of ${group} to standby`, () => c.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: group, InstanceIds: part, ShouldDecrementDesiredCapacity: decrementDesired })));
    }
  }
  return mustReadInstances(c, ids);
}

export async function exitStandby(c: AwsClients, ids: readonly string[]): Promise<Instance[]> {
  const instances = await mustReadInstances(c, ids);
  for (const i of instances) {
    if (i.lifecycleState !== 'Standby') throw new InstanceStateError(i.id, i.lifecycleState ?? 'not a group member', 'only Standby members can return to service');
    if (i.state !== 'running' && i.state !== 'pending') throw new InstanceStateError(i.id, i.state, 'start it first');
  }
  const groups = byGroup(instances);
  await checkDesired(c, new Map([...groups].map(([g, xs]) => [g, xs.length])), 'leaving standby');
  for (const [group, members] of groups) {
    for (const part of chunks(members.map((i) => i.id))) {
      await call(c, `returning instances of ${group} to service`, () => c.autoScaling.send(new ExitStandbyCommand({ AutoScalingGroupName: group, InstanceIds: part })));
    }
  }
  return mustReadInstances(c, ids);
}

export async function startInstances(c: AwsClients, ids: readonly string[]): Promise<Instance[]> {
  const instances = await mustReadInstances(c, ids);
  for (const i of instances) {
    if (i.state === 'stopping' || i.state === 'terminated') throw new InstanceStateError(i.id, i.state, i.state === 'stopping' ? 'wait until it has stopped' : 'terminated instances cannot start again');
  }
  const stopped = instances.filter((i) => i.state === 'stopped').map((i) => i.id);
  if (stopped.length > 0) await call(c, 'starting instances', () => c.ec2.send(new StartInstancesCommand({ InstanceIds: stopped })));
  return mustReadInstances(c, ids);
}

export async function stopInstances(c: AwsClients, ids: readonly string[]): Promise<Instance[]> {
  const instances = await mustReadInstances(c, ids);
  for (const i of instances) {
    if (i.state === 'terminated') throw new InstanceStateError(i.id, i.state, 'terminated instances cannot stop');
    if (isCounted(i)) throw new InstanceStateError(i.id, i.lifecycleState ?? '', `put it in Standby first, or group '${i.group ?? ''}' replaces it`);
  }
  const running = instances.filter((i) => i.state === 'running' || i.state === 'pending').map((i) => i.id);
  if (running.length > 0) await call(c, 'stopping instances', () => c.ec2.send(new StopInstancesCommand({ InstanceIds: running })));
  return mustReadInstances(c, ids);
}

/**
 * Members leave through Auto Scaling (which decrements the desired size when asked, else replaces them); other
 * instances are terminated through EC2 in one call.
 */
export async function terminateInstances(c: AwsClients, ids: readonly string[], opts: TerminateOptions = {}): Promise<Instance[]> {
  const instances = (await mustReadInstances(c, ids)).filter((i) => i.state !== 'terminated');
  const groups = byGroup(instances);
  const decrement = opts.decrementDesired ?? false;
  if (decrement) await checkDesired(c, new Map([...groups].map(([g, xs]) => [g, -xs.filter(isCounted).length])), 'terminating with decrementDesired');
  for (const members of groups.values()) {
    for (const i of members) {
      await call(c, `terminating instance ${i.id} of ${i.group ?? ''}`, () =>
        c.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: i.id, ShouldDecrementDesiredCapacity: decrement && isCounted(i) })),
      );
    }
  }
  const loose = instances.filter((i) => i.lifecycleState === undefined || i.group === undefined).map((i) => i.id);
  if (loose.length > 0) await call(c, 'terminating instances', () => c.ec2.send(new TerminateInstancesCommand({ InstanceIds: loose })));
  return mustReadInstances(c, ids);
}

export async function setInstanceTags(c: AwsClients, ids: readonly string[], tags: Readonly<Record<string, string | null>>): Promise<void> {
  const problems = Object.keys(tags)
    .filter((k) => k === '' || isHiddenTag(k) || k.length > 128)
    .map((k) => ({ path: `tags.${k}`, message: k === '' ? 'a tag name must not be empty' : `tag '${k}' is reserved or too long; use up to 128 characters, not starting with aws: or envmgr:` }));
  if (problems.length > 0) throw new ValidationError(problems);
  const targets = (await mustReadInstances(c, ids)).map((i) => i.id);
  const set = Object.entries(tags).filter((e): e is [string, string] => e[1] !== null);
  const remove = Object.keys(tags).filter((k) => tags[k] === null);
  if (set.length > 0) await call(c, 'tagging instances', () => c.ec2.send(new CreateTagsCommand({ Resources: targets, Tags: set.map(([Key, Value]) => ({ Key, Value })) })));
  if (remove.length > 0) await call(c, 'untagging instances', () => c.ec2.send(new DeleteTagsCommand({ Resources: targets, Tags: remove.map((Key) => ({ Key })) })));
}
