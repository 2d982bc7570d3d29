import { DescribeAutoScalingGroupsCommand, type AutoScalingClient, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { CreateTagsCommand, DescribeInstancesCommand, type EC2Client, type Filter, type Instance as Ec2Instance } from '@aws-sdk/client-ec2';
import { NotFoundError } from '@envmgr/domain';
import { matchesTagFilters, type Group, type Instance, type ListInstancesQuery } from '@envmgr/ports';
import { translateAwsError } from './aws-errors.js';
import { byLaunchTimeThenId, ec2StatesOf, isBeingDeleted, membershipsOf, missingNameOf, toGroup, toInstance } from './aws-records.js';

/** The clients of one account (acting as EM's role there). Only `send` is used, so tests may count calls. */
export interface AwsClients {
  ec2: Pick<EC2Client, 'send'>;
  autoScaling: Pick<AutoScalingClient, 'send'>;
  /** The account they act in, for messages. */
  account: string;
}

/** Runs an AWS call, translating its failure into a domain error that names the account. */
export async function call<T>(c: AwsClients, doing: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translateAwsError(err, { account: c.account, doing });
  }
}

/** Auto Scaling groups (all, or those named), without those being deleted; 100 per call, AWS's maximum page. */
export async function describeGroups(c: AwsClients, names?: readonly string[]): Promise<AutoScalingGroup[]> {
  const out: AutoScalingGroup[] = [];
  let token: string | undefined;
  do {
    const page = await call(c, 'listing auto scaling groups', () =>
      c.autoScaling.send(new DescribeAutoScalingGroupsCommand({ ...(names ? { AutoScalingGroupNames: [...names] } : {}), MaxRecords: 100, NextToken: token })),
    );
    out.push(...(page.AutoScalingGroups ?? []).filter((g) => !isBeingDeleted(g)));
    token = page.NextToken;
  } while (token);
  return out;
}

export async function getGroupRecord(c: AwsClients, name: string): Promise<AutoScalingGroup | undefined> {
  return (await describeGroups(c, [name]))[0];
}

export async function mustGetGroupRecord(c: AwsClients, name: string): Promise<AutoScalingGroup> {
  const g = await getGroupRecord(c, name);
  if (!g) throw new NotFoundError('group', name, { account: c.account });
  return g;
}

export async function readGroup(c: AwsClients, name: string): Promise<Group> {
  return toGroup(await mustGetGroupRecord(c, name));
}

/** EC2 instances matching the filters, 1,000 per call (AWS's maximum page). */
export async function describeInstances(c: AwsClients, filters: Filter[]): Promise<Ec2Instance[]> {
  const out: Ec2Instance[] = [];
  let token: string | undefined;
  do {
    const page = await call(c, 'listing instances', () => c.ec2.send(new DescribeInstancesCommand({ Filters: filters, MaxResults: 1000, NextToken: token })));
    for (const r of page.Reservations ?? []) out.push(...(r.Instances ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

/**
 * Gives unnamed group members their `Name` (SPEC §4). The agent's boot script names its instance too; this covers
 * images without the AWS CLI and the moment before boot. One CreateTags per unnamed instance, each once.
 */
async function nameUnnamed(c: AwsClients, raw: Ec2Instance[]): Promise<void> {
  for (const i of raw) {
    const name = missingNameOf(i);
    if (!name || !i.InstanceId || i.State?.Name === 'terminated' || i.State?.Name === 'shutting-down') continue;
    await call(c, `naming instance ${i.InstanceId}`, () => c.ec2.send(new CreateTagsCommand({ Resources: [i.InstanceId as string], Tags: [{ Key: 'Name', Value: name }] })));
    i.Tags = [...(i.Tags ?? []), { Key: 'Name', Value: name }];
  }
}

/** EC2 filters for a query; the group and every other condition are checked on the results too. */
function filtersOf(q: ListInstancesQuery & { ids?: readonly string[] }): Filter[] {
  const filters: Filter[] = [{ Name: 'instance-state-name', Values: ec2StatesOf(q.states ?? ['pending', 'running', 'stopping', 'stopped']) }];
  if (q.ids) filters.push({ Name: 'instance-id', Values: [...q.ids] });
  for (const [k, v] of Object.entries(q.tagFilters ?? {})) filters.push({ Name: `tag:${k}`, Values: typeof v === 'string' ? [v] : [...v] });
  return filters;
}

/**
 * Instances with their group membership: one DescribeInstances page per 1,000 instances plus one
 * DescribeAutoScalingGroups page per 100 groups (for lifecycle and health), never a call per instance.
 */
export async function readInstances(c: AwsClients, q: ListInstancesQuery & { ids?: readonly string[] }, groups?: AutoScalingGroup[]): Promise<Instance[]> {
  if (q.ids?.length === 0) return [];
  const raw = await describeInstances(c, filtersOf(q));
  await nameUnnamed(c, raw);
  const members = membershipsOf(groups ?? (await describeGroups(c, q.group !== undefined ? [q.group] : undefined)));
  return raw
    .map((i) => toInstance(i, members.get(i.InstanceId ?? '')))
    .filter((i) => (q.group === undefined || i.group === q.group) && matchesTagFilters(i.tags, q.tagFilters))
    .sort(byLaunchTimeThenId);
}

/** The instances of `ids`, in every state; throws `NotFoundError` naming the first id that does not exist. */
export async function mustReadInstances(c: AwsClients, ids: readonly string[]): Promise<Instance[]> {
  const found = await readInstances(c, { ids, states: ['pending', 'running', 'stopping', 'stopped', 'terminated'] });
  const byId = new Map(found.map((i) => [i.id, i]));
  return [...new Set(ids)].map((id) => {
    const i = byId.get(id);
    if (!i) throw new NotFoundError('instance', id, { account: c.account });
    return i;
  });
}
