import {
  CreateAutoScalingGroupCommand,
  CreateOrUpdateTagsCommand,
  DeleteAutoScalingGroupCommand,
  DeleteTagsCommand,
  ResumeProcessesCommand,
  SetDesiredCapacityCommand,
  SuspendProcessesCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { AlreadyExistsError, GroupNotEmptyError, ValidationError } from '@envmgr/domain';
import { assertNoProblems, groupNameProblems, matchesTagFilters, groupSizeProblems, nextGroupSize, type Compute, type Group, type GroupSpec, type Tags } from '@envmgr/ports';
import { renderAgentUserData, type AgentBootstrap } from './agent-user-data.js';
import { launchTags, TAG, toGroup } from './aws-records.js';
import { call, describeGroups, getGroupRecord, mustGetGroupRecord, readGroup, readInstances, type AwsClients } from './aws-reads.js';
import * as ops from './aws-instance-operations.js';
import { createLaunchTemplate, deleteLaunchTemplate, launchTemplateNameOf, resolveLaunch, type LaunchResolution } from './launch-template.js';

export interface AwsComputeOptions extends LaunchResolution {
  /** Clients acting in the account, as EM's role there. */
  clients: AwsClients;
  /** What the user data of every group's instances tells the agent. */
  agent: AgentBootstrap;
}

const tagList = (group: string, tags: Tags, propagate: boolean) =>
  Object.entries(tags).map(([Key, Value]) => ({ ResourceId: group, ResourceType: 'auto-scaling-group', Key, Value, PropagateAtLaunch: propagate }));

/**
 * Compute on EC2 and Auto Scaling in one account (ARCHITECTURE §2): a group is an Auto Scaling group with a launch
 * template `LaunchConfig_<group>` (SPEC §4) whose user data starts the deployment agent. Auto Scaling does the
 * converging, so every operation is a few API calls and returns at once; reads cost one DescribeInstances page per
 * 1,000 instances and one DescribeAutoScalingGroups page per 100 groups.
 */
export function createAwsCompute(opts: AwsComputeOptions): Compute {
  const c = opts.clients;

  async function createGroup(spec: GroupSpec): Promise<Group> {
    assertNoProblems([...groupNameProblems(spec.name), ...groupSizeProblems(spec.size)]);
    if (launchTemplateNameOf(spec.name).length > 128) throw new ValidationError([{ path: 'name', message: `group names are at most 113 characters on AWS (launch template names 128); got ${spec.name.length}` }]);
    if (await getGroupRecord(c, spec.name)) throw new AlreadyExistsError('group', spec.name);
    const resolved = await resolveLaunch(c, spec, opts);
    const namePrefix = spec.instanceNamePrefix ?? spec.name;
    const userData = renderAgentUserData({ bootstrap: opts.agent, tags: spec.tags, namePrefix });
    const template = await createLaunchTemplate(c, spec, resolved, userData);
    const tags = [...tagList(spec.name, { ...spec.tags, [TAG.group]: spec.name, [TAG.namePrefix]: namePrefix }, true), ...tagList(spec.name, launchTags(spec.launch), false)];
    try {
      await call(c, `creating group ${spec.name}`, () =>
        c.autoScaling.send(
          new CreateAutoScalingGroupCommand({
            AutoScalingGroupName: spec.name,
            LaunchTemplate: { LaunchTemplateName: template, Version: '$Latest' },
            MinSize: spec.size.min,
            MaxSize: spec.size.max,
            DesiredCapacity: spec.size.desired,
            VPCZoneIdentifier: resolved.subnetIds.join(','),
            Tags: tags,
          }),
        ),
      );
    } catch (err) {
      // nothing half-created stays behind: the template goes with the failed group
      if (!(err instanceof AlreadyExistsError)) await deleteLaunchTemplate(c, spec.name).catch(() => undefined);
      throw err instanceof AlreadyExistsError ? new AlreadyExistsError('group', spec.name) : err;
    }
    return readGroup(c, spec.name);
  }

  async function updateTags(name: string, current: Tags, next: Tags): Promise<void> {
    const removed = Object.keys(current).filter((k) => !(k in next));
    if (Object.keys(next).length > 0) await call(c, `tagging group ${name}`, () => c.autoScaling.send(new CreateOrUpdateTagsCommand({ Tags: tagList(name, next, true) })));
    if (removed.length > 0) await call(c, `untagging group ${name}`, () => c.autoScaling.send(new DeleteTagsCommand({ Tags: removed.map((Key) => ({ ResourceId: name, ResourceType: 'auto-scaling-group', Key })) })));
  }

  async function suspendOrResume(name: string, processes: readonly string[] | undefined, suspend: boolean): Promise<Group> {
    await mustGetGroupRecord(c, name);
    const input = { AutoScalingGroupName: name, ...(processes ? { ScalingProcesses: [...processes] } : {}) };
    await call(c, `${suspend ? 'suspending' : 'resuming'} processes of ${name}`, () => c.autoScaling.send(suspend ? new SuspendProcessesCommand(input) : new ResumeProcessesCommand(input)));
    return readGroup(c, name);
  }

  return {
    createGroup,
    async updateGroup(name, changes) {
      const current = toGroup(await mustGetGroupRecord(c, name));
      const size = nextGroupSize(current.size, changes.size);
      assertNoProblems(groupSizeProblems(size));
      // tags first: instances the new size launches must carry them
      if (changes.tags) await updateTags(name, current.tags, changes.tags);
      if (changes.size) {
        await call(c, `resizing group ${name}`, () => c.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: name, MinSize: size.min, MaxSize: size.max, DesiredCapacity: size.desired })));
      }
      return readGroup(c, name);
    },
    async deleteGroup(name, options = {}) {
      const g = await mustGetGroupRecord(c, name);
      const members = (g.Instances ?? []).map((i) => i.InstanceId ?? '');
      if (members.length > 0 && !options.force) throw new GroupNotEmptyError(name, members);
      await call(c, `deleting group ${name}`, () => c.autoScaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: name, ForceDelete: options.force ?? false })));
      await deleteLaunchTemplate(c, name);
    },
    async setDesiredCapacity(name, desired) {
      const current = toGroup(await mustGetGroupRecord(c, name));
      assertNoProblems(groupSizeProblems({ ...current.size, desired }));
      await call(c, `resizing group ${name}`, () => c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: name, DesiredCapacity: desired, HonorCooldown: false })));
      return readGroup(c, name);
    },
    enterStandby: (ids, decrementDesired = true) => ops.enterStandby(c, ids, decrementDesired),
    exitStandby: (ids) => ops.exitStandby(c, ids),
    async listGroups(query = {}) {
      const groups = (await describeGroups(c)).map(toGroup);
      const { tagFilters } = query;
      return groups.filter((g) => matchesTagFilters(g.tags, tagFilters)).sort((a, b) => a.name.localeCompare(b.name));
    },
    async getGroup(name) {
      const g = await getGroupRecord(c, name);
      return g ? toGroup(g) : undefined;
    },
    listInstances: (query = {}) => readInstances(c, query),
    async getInstance(id) {
      return (await readInstances(c, { ids: [id], states: ['pending', 'running', 'stopping', 'stopped', 'terminated'] }))[0];
    },
    startInstances: (ids) => ops.startInstances(c, ids),
    stopInstances: (ids) => ops.stopInstances(c, ids),
    terminateInstances: (ids, options) => ops.terminateInstances(c, ids, options),
    setInstanceTags: (ids, tags) => ops.setInstanceTags(c, ids, tags),
    suspendProcesses: (name, processes) => suspendOrResume(name, processes, true),
    resumeProcesses: (name, processes) => suspendOrResume(name, processes, false),
    async close() {
      // the clients belong to the caller, who may share them
    },
  };
}
