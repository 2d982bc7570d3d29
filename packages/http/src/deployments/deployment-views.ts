import type { DeploymentDto, DeploymentPlanDto, DeploymentSummaryDto } from '@envmgr/api-contract';
import { packageKeyOf, type Deployment } from '@envmgr/domain';
import { deploymentNodesView, type DryRunPlan } from '@envmgr/app';

const iso = (ms: number): string => new Date(ms).toISOString();

function head(d: Deployment, version: number): Omit<DeploymentDto, 'nodes' | 'log'> {
  const p = d.plan;
  return {
    id: d.id,
    status: d.state,
    environment: p.environment,
    environmentType: p.environmentType,
    service: p.service,
    version: p.version,
    mode: p.mode,
    slice: p.slice,
    serverRole: p.serverRole,
    runtimeServerRole: p.runtimeServerRole,
    owningCluster: p.owningCluster,
    group: p.group.name,
    ...(d.request.requestedBy !== undefined ? { requestedBy: d.request.requestedBy } : {}),
    requestedAt: iso(d.requestedAtMs),
    updatedAt: iso(d.updatedAtMs),
    ...(d.endedAtMs !== undefined ? { endedAt: iso(d.endedAtMs) } : {}),
    ...(d.reason !== undefined ? { reason: d.reason } : {}),
    ...(d.canary !== undefined ? { canary: canaryView(d.canary) } : {}),
    ...(d.wake !== undefined ? { wake: { at: iso(d.wake.atMs), group: d.wake.group, started: d.wake.started, exitedStandby: d.wake.exitedStandby, ...(d.wake.restoredSize ? { restoredSize: d.wake.restoredSize } : {}) } } : {}),
    Version: version,
  };
}

export function deploymentDto(d: Deployment, version: number): DeploymentDto {
  return { ...head(d, version), nodes: deploymentNodesView(d), log: d.log };
}

export function deploymentSummaryDto(d: Deployment, version: number): DeploymentSummaryDto {
  const nodeCounts: Record<string, number> = {};
  for (const n of Object.values(d.nodes)) nodeCounts[n.status] = (nodeCounts[n.status] ?? 0) + 1;
  return { ...head(d, version), nodeCounts };
}

export function dryRunDto(r: DryRunPlan): DeploymentPlanDto {
  const p = r.plan;
  return {
    isDryRun: true,
    environment: p.environment,
    service: p.service,
    version: p.version,
    mode: p.mode,
    slice: p.slice,
    serverRole: p.serverRole,
    runtimeServerRole: p.runtimeServerRole,
    owningCluster: p.owningCluster,
    consulServiceName: p.consulServiceName,
    packagePath: packageKeyOf(r.packageRef),
    group: { name: p.group.name, action: r.groupExists ? 'reuse' : 'create', size: p.group.size, tags: p.group.tags },
    expectedInstances: r.expectedInstances,
    targetState: p.targetState,
  };
}

function canaryView(c: NonNullable<Deployment['canary']>): NonNullable<DeploymentDto['canary']> {
  const started = c.step >= 0;
  return {
    steps: c.plan.steps,
    stepSeconds: c.plan.stepMs / 1000,
    maxErrorRate: c.plan.maxErrorRate,
    minRequests: c.plan.minRequests,
    from: c.from,
    to: c.to,
    ...(started ? { step: c.step + 1, percent: c.plan.steps[c.step] ?? 100 } : {}),
    ...(started && c.stepStartedAtMs !== undefined ? { stepStartedAt: iso(c.stepStartedAtMs) } : {}),
  };
}
