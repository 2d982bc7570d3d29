import {
  nodeStatusPrefix,
  parseNodeStatusValue,
  roleServiceKey,
  savedSizeOf,
  type Deployment,
  type GroupSleep,
  type HealthState,
  type NodeStatusValue,
  type Observations,
} from '@envmgr/domain';
import type { Group, HealthCheck, Instance } from '@envmgr/ports';
import { readSliceWeights } from './traffic-weights.js';
import type { DeploymentDeps } from './deployment-deps.js';

const RANK: Record<HealthState, number> = { passing: 0, warning: 1, critical: 2 };

/** The worst of a service instance's checks (its node's and its own); passing when it has none. */
export function worstOf(checks: readonly HealthCheck[]): HealthState {
  let worst: HealthState = 'passing';
  for (const c of checks) if (RANK[c.status] > RANK[worst]) worst = c.status;
  return worst;
}

/**
 * What the driver sees of one deployment (ARCHITECTURE §3 step 4): the group's members in service, the agents'
 * node status keys, the health of the instances registered for this deployment, and whether the role key holds it.
 */
export async function observe(deps: Pick<DeploymentDeps, 'compute' | 'registry' | 'config' | 'traffic'>, d: Deployment, runId: string): Promise<Observations> {
  const p = d.plan;
  const [group, nodes, health, targetStatePresent] = await Promise.all([
    groupOf(deps, p.group.name),
    nodeStatuses(deps, d.id),
    healthOf(deps, p.consulServiceName, d.id),
    roleKeyHolds(deps, d),
  ]);
  const obs: Observations = { runId, group, nodes, health, targetStatePresent };
  if (d.state === 'canary' && d.canary) {
    const weights = await readSliceWeights(deps.config.store, p.environment, p.service);
    if (weights) obs.sliceWeights = weights;
    const traffic = deps.traffic?.sliceTraffic(p.consulServiceName, d.canary.stepStartedAtMs ?? d.requestedAtMs);
    if (traffic) obs.traffic = traffic;
  }
  return obs;
}

async function groupOf(deps: Pick<DeploymentDeps, 'compute'>, name: string): Promise<Observations['group']> {
  const group = await deps.compute.getGroup(name);
  if (!group) return undefined;
  const members = await deps.compute.listInstances({ group: name });
  const inService = members.filter((i) => i.lifecycleState === 'InService' && (i.state === 'running' || i.state === 'pending')).map((i) => i.id);
  const sleeping = sleepOf(group, members);
  return { inServiceInstanceIds: inService, desiredCapacity: group.size.desired, ...(sleeping ? { sleeping } : {}) };
}

/**
 * How a group is switched off, if it is: members stopped or in Standby (the scheduler's way for members), or the
 * group scaled to zero with its size saved in its tags (the scheduler's way for whole groups).
 */
export function sleepOf(group: Pick<Group, 'tags' | 'size'>, members: readonly Pick<Instance, 'id' | 'state' | 'lifecycleState'>[]): GroupSleep | undefined {
  const live = members.filter((i) => i.state !== 'terminated' && i.lifecycleState !== 'Terminating');
  const stopped = live.filter((i) => i.state === 'stopped').map((i) => i.id);
  const standby = live.filter((i) => i.lifecycleState === 'Standby').map((i) => i.id);
  const saved = savedSizeOf(group.tags);
  const savedSize = saved !== undefined && saved !== 'invalid' && group.size.desired === 0 && saved.desired > 0 ? saved : undefined;
  if (stopped.length === 0 && standby.length === 0 && !savedSize) return undefined;
  const transitioning = live.filter((i) => i.state === 'stopping').length;
  return { stoppedInstanceIds: stopped, standbyInstanceIds: standby, transitioning, ...(savedSize ? { savedSize } : {}) };
}

async function nodeStatuses(deps: Pick<DeploymentDeps, 'registry'>, deploymentId: string): Promise<Record<string, NodeStatusValue>> {
  const prefix = nodeStatusPrefix(deploymentId);
  const out: Record<string, NodeStatusValue> = {};
  for (const entry of (await deps.registry.kvList(prefix)).value) {
    const instanceId = entry.key.slice(prefix.length);
    const value = parseNodeStatusValue(entry.value);
    if (instanceId && !instanceId.includes('/') && value) out[instanceId] = value;
  }
  return out;
}

async function healthOf(deps: Pick<DeploymentDeps, 'registry'>, service: string, deploymentId: string): Promise<Record<string, HealthState>> {
  const tag = `deployment_id:${deploymentId}`;
  const out: Record<string, HealthState> = {};
  for (const h of (await deps.registry.healthService(service)).value) {
    if (h.service.tags.includes(tag)) out[h.node.node] = worstOf(h.checks);
  }
  return out;
}

async function roleKeyHolds(deps: Pick<DeploymentDeps, 'registry'>, d: Deployment): Promise<boolean> {
  const p = d.plan;
  const entry = (await deps.registry.kvGet(roleServiceKey(p.environment, p.runtimeServerRole, p.service, p.slice))).value;
  return deploymentIdIn(entry?.value) === d.id;
}

/** The `DeploymentId` of a role key's JSON value; undefined when it is not one. */
export function deploymentIdIn(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && 'DeploymentId' in v && typeof v.DeploymentId === 'string' ? v.DeploymentId : undefined;
  } catch {
    return undefined;
  }
}
