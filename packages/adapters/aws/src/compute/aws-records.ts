import type { AutoScalingGroup, Instance as AsgMember } from '@aws-sdk/client-auto-scaling';
import type { Instance as Ec2Instance } from '@aws-sdk/client-ec2';
import { SCALING_PROCESSES, type Group, type HealthStatus, type Instance, type InstanceState, type LaunchSettings, type LifecycleState, type ScalingProcess, type Tags } from '@envmgr/ports';

/**
 * How EM's own facts travel on AWS resources: as tags under `envmgr:`, which the port never shows (nor `aws:` tags).
 * Propagated to instances: the group name (Auto Scaling removes its own `aws:autoscaling:groupName` tag when an
 * instance leaves the group; ours keeps history readable) and the `Name` prefix. Kept on the group only: the launch
 * settings, as JSON split over tags of at most 256 characters (the Auto Scaling limit).
 */
export const TAG = {
  group: 'envmgr:group',
  namePrefix: 'envmgr:name-prefix',
  launch: 'envmgr:launch',
} as const;
const AWS_GROUP_TAG = 'aws:autoscaling:groupName';
const TAG_VALUE_MAX = 256;

export const isHiddenTag = (key: string): boolean => key.startsWith('envmgr:') || key.startsWith('aws:');

/** The launch settings as group tags `envmgr:launch`, `envmgr:launch:1`, … */
export function launchTags(launch: LaunchSettings): Tags {
  const json = JSON.stringify(launch);
  const tags: Tags = {};
  for (let i = 0; i * TAG_VALUE_MAX < json.length; i++) tags[i === 0 ? TAG.launch : `${TAG.launch}:${i}`] = json.slice(i * TAG_VALUE_MAX, (i + 1) * TAG_VALUE_MAX);
  return tags;
}

/** Settings of a group EM did not create (no launch tags): shown empty rather than guessed. */
const UNKNOWN_LAUNCH: LaunchSettings = { image: '', instanceType: '', subnetType: '', securityZone: '', instanceProfile: '', volumes: [] };

function launchFromTags(all: Tags): LaunchSettings {
  let json = all[TAG.launch];
  if (json === undefined) return UNKNOWN_LAUNCH;
  for (let i = 1; all[`${TAG.launch}:${i}`] !== undefined; i++) json += all[`${TAG.launch}:${i}`];
  try {
    return JSON.parse(json) as LaunchSettings;
  } catch {
    return UNKNOWN_LAUNCH;
  }
}

function tagMap(tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): Tags {
  const out: Tags = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

export function visibleTags(all: Tags): Tags {
  return Object.fromEntries(Object.entries(all).filter(([k]) => !isHiddenTag(k)));
}

/** Whether Auto Scaling is removing the group (a forced delete): the port treats it as gone at once. */
export const isBeingDeleted = (g: AutoScalingGroup): boolean => g.Status === 'Delete in progress';

export function toGroup(g: AutoScalingGroup): Group {
  const all = tagMap(g.Tags);
  const suspended = new Set((g.SuspendedProcesses ?? []).map((p) => p.ProcessName));
  const name = g.AutoScalingGroupName ?? '';
  return {
    name,
    tags: visibleTags(all),
    size: { min: g.MinSize ?? 0, desired: g.DesiredCapacity ?? 0, max: g.MaxSize ?? 0 },
    launch: launchFromTags(all),
    instanceNamePrefix: all[TAG.namePrefix] ?? name,
    suspendedProcesses: SCALING_PROCESSES.filter((p: ScalingProcess) => suspended.has(p)),
    createdTime: (g.CreatedTime ?? new Date(0)).toISOString(),
  };
}

/** Auto Scaling's many lifecycle states folded into the port's four; warm-pool and detach states are not membership. */
export function lifecycleOf(state: string | undefined): LifecycleState | undefined {
  if (state === undefined) return undefined;
  if (state === 'InService') return 'InService';
  if (state.startsWith('Pending')) return 'Pending';
  if (state === 'Standby' || state.startsWith('EnteringStandby')) return 'Standby';
  if (state.startsWith('Terminating') || state === 'Terminated') return 'Terminating';
  return undefined;
}

// `shutting-down` is already final for the port: the machine will not come back.
const STATES: Record<string, InstanceState> = {
  pending: 'pending',
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  'shutting-down': 'terminated',
  terminated: 'terminated',
};

export const ec2StatesOf = (states: readonly InstanceState[]): string[] =>
  Object.entries(STATES).filter(([, s]) => states.includes(s)).map(([aws]) => aws);

/** What a group says about one member. */
export interface Membership {
  group: string;
  lifecycleState: string | undefined;
  health: string | undefined;
}

export function membershipsOf(groups: readonly AutoScalingGroup[]): Map<string, Membership> {
  const out = new Map<string, Membership>();
  for (const g of groups) {
    for (const m of g.Instances ?? ([] as AsgMember[])) {
      if (m.InstanceId) out.set(m.InstanceId, { group: g.AutoScalingGroupName ?? '', lifecycleState: m.LifecycleState, health: m.HealthStatus });
    }
  }
  return out;
}

export function toInstance(i: Ec2Instance, member: Membership | undefined): Instance {
  const all = tagMap(i.Tags);
  const id = i.InstanceId ?? '';
  const state = STATES[i.State?.Name ?? ''] ?? 'pending';
  const lifecycleState = state === 'terminated' ? undefined : lifecycleOf(member?.lifecycleState);
  return {
    id,
    name: all['Name'] ?? id,
    tags: visibleTags(all),
    state,
    privateAddress: i.PrivateIpAddress,
    group: all[TAG.group] ?? member?.group ?? all[AWS_GROUP_TAG],
    lifecycleState,
    health: lifecycleState === undefined ? undefined : ((member?.health === 'Unhealthy' ? 'Unhealthy' : 'Healthy') satisfies HealthStatus),
    launchTime: (i.LaunchTime ?? new Date(0)).toISOString(),
  };
}

/** The `Name` an unnamed group member should get (SPEC §4: `<prefix>-<id without "i-">`), if it should get one. */
export function missingNameOf(i: Ec2Instance): string | undefined {
  const all = tagMap(i.Tags);
  const prefix = all[TAG.namePrefix];
  if (all['Name'] !== undefined || prefix === undefined || !i.InstanceId) return undefined;
  return `${prefix}-${i.InstanceId.slice(2)}`;
}

export const byLaunchTimeThenId = (a: Instance, b: Instance): number => a.launchTime.localeCompare(b.launchTime) || a.id.localeCompare(b.id);
