import type { AsgDetailDto, AsgDto, AsgIpsDto, AsgLaunchConfigDto, AsgMemberDto, InstanceDto } from '@envmgr/api-contract';
import { isInMaintenance, lifecycleCounts, type GroupWithMembers } from '@envmgr/app';
import type { Group, Instance, Tags } from '@envmgr/ports';

/** Tag values that become top-level fields, when present and not empty. */
function tagFields(tags: Tags): { environment?: string; owningCluster?: string; role?: string } {
  return {
    ...(tags.Environment ? { environment: tags.Environment } : {}),
    ...(tags.OwningCluster ? { owningCluster: tags.OwningCluster } : {}),
    ...(tags.Role ? { role: tags.Role } : {}),
  };
}

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } => (value === undefined ? {} : ({ [key]: value } as { [P in K]?: V }));

export function toAsgDto({ group, members }: GroupWithMembers): AsgDto {
  return {
    name: group.name,
    ...tagFields(group.tags),
    size: { ...group.size },
    instanceCount: members.length,
    instanceCounts: lifecycleCounts(members),
    tags: { ...group.tags },
    suspendedProcesses: [...group.suspendedProcesses],
    createdTime: group.createdTime,
  };
}

function toMemberDto(i: Instance): AsgMemberDto {
  return {
    id: i.id,
    name: i.name,
    state: i.state,
    ...optional('lifecycleState', i.lifecycleState),
    ...optional('health', i.health),
    ...optional('privateAddress', i.privateAddress),
    launchTime: i.launchTime,
    maintenance: isInMaintenance(i),
  };
}

export function toAsgDetailDto(g: GroupWithMembers): AsgDetailDto {
  return { ...toAsgDto(g), instances: g.members.map(toMemberDto) };
}

export function toAsgIpsDto({ group, members }: GroupWithMembers): AsgIpsDto {
  const serving = members.filter((m) => m.lifecycleState === 'InService' && m.state === 'running');
  return {
    name: group.name,
    ips: serving.flatMap((m) => (m.privateAddress ? [m.privateAddress] : [])),
    instances: members.map((m) => ({ id: m.id, ...optional('privateAddress', m.privateAddress), state: m.state, ...optional('lifecycleState', m.lifecycleState) })),
  };
}

/** SPEC §4: one launch configuration per group, named `LaunchConfig_<group>`. */
export function toLaunchConfigDto(group: Group): AsgLaunchConfigDto {
  const l = group.launch;
  return {
    name: `LaunchConfig_${group.name}`,
    asg: group.name,
    image: l.image,
    instanceType: l.instanceType,
    subnetType: l.subnetType,
    securityZone: l.securityZone,
    instanceProfile: l.instanceProfile,
    volumes: l.volumes.map((v) => ({ ...v })),
    ...optional('securityGroups', l.securityGroups && [...l.securityGroups]),
    ...optional('keyPair', l.keyPair),
    ...optional('instanceNamePrefix', group.instanceNamePrefix),
  };
}

export function toInstanceDto(i: Instance): InstanceDto {
  return {
    id: i.id,
    name: i.name,
    state: i.state,
    ...optional('privateAddress', i.privateAddress),
    ...optional('asg', i.group),
    ...optional('lifecycleState', i.lifecycleState),
    ...optional('health', i.health),
    launchTime: i.launchTime,
    ...tagFields(i.tags),
    maintenance: isInMaintenance(i),
    tags: { ...i.tags },
  };
}
