import {
  EnvironmentLockedError,
  planDeployment,
  RefusedError,
  type Actor,
  type Deployment,
  type DeploymentPlan,
  type DeploymentRefusal,
  type DeploymentRequest,
} from '@envmgr/domain';
import { describePackageRef, type PackageRef } from '@envmgr/ports';
import { requirePermission } from '../identity/access.js';
import { readEnvironmentOps } from '../environments/environment-ops.js';
import type { RequestContext } from '../context.js';
import { loadDeploymentConfig } from './deployment-config.js';
import type { DeploymentDeps } from './deployment-deps.js';
import { publishDeployment } from './deployment-events.js';
import { readSliceWeights } from './traffic-weights.js';

/** The resource deployments are authorised against (SPEC §9 example #11: `POST /deployments`). */
export const DEPLOYMENTS_RESOURCE = '/deployments';
/** SPEC §4: deploying to a Secure server role also needs this. */
export const SECURE_ZONE_RESOURCE = '/permissions/securityzones/secure';

export interface DryRunPlan {
  plan: DeploymentPlan;
  /** Whether the group exists now (it is then used as it is, else created from `plan.group`). */
  groupExists: boolean;
  /** Instances the deployment will expect: the live group's desired size, or the plan's when it is created. */
  expectedInstances: number;
  packageRef: PackageRef;
}

export type DeploymentRequestResult = { dryRun: false; deployment: Deployment; version: number } | { dryRun: true; plan: DryRunPlan };

export function refusalError(r: DeploymentRefusal): RefusedError {
  return new RefusedError(r.kind, r.code, r.message, r.details);
}

/**
 * Checks and stores a deployment in state `requested` (SPEC §5, ARCHITECTURE §3 step 1), or returns its plan when
 * `dryRun`. Order of refusals: the request's fields (400), unknown environment or service (404), server role (400,
 * 422), permission for POST /deployments in the role's cluster and the environment's type, plus the Secure zone (403),
 * package (404), deploy lock (423), another deployment of the service in progress in the environment (409, atomic).
 */
export async function requestDeployment(
  deps: DeploymentDeps,
  ctx: RequestContext,
  request: DeploymentRequest & { dryRun?: boolean },
): Promise<DeploymentRequestResult> {
  const id = deps.ids.next();
  const now = deps.clock.now();
  const resolve = await loadDeploymentConfig(deps.config.store, request.environment, request.service);
  const first = planDeployment({ ...request, requestedBy: ctx.actor.name }, { resolve }, now, id);
  if (!first.ok) throw refusalError(first);
  const plan = first.deployment.plan;
  authorizeDeployment(ctx.actor, plan);
  const packageRef = await findPackage(deps, plan);
  const planned = packageRef.environment !== undefined ? planDeployment({ ...request, requestedBy: ctx.actor.name }, { resolve, packageEnvironment: packageRef.environment }, now, id) : first;
  if (!planned.ok) throw refusalError(planned);
  await checkCanaryTraffic(deps, planned.deployment);
  const ops = await readEnvironmentOps(deps.config, plan.environment);
  if (ops.deploymentsLocked) throw new EnvironmentLockedError(plan.environment, { by: ops.lock?.by, at: ops.lock?.at, reason: ops.lock?.reason });
  if (request.dryRun) return { dryRun: true, plan: await dryRunOf(deps, planned.deployment.plan, packageRef) };
  const stored = await deps.deployments.create(planned.deployment, { uniqueActive: { environment: plan.environment, service: plan.service } });
  publishDeployment(deps, stored.record);
  return { dryRun: false, deployment: stored.record, version: stored.version };
}

/** A canary needs an upstream with a host per slice, and traffic on the other slice now. */
async function checkCanaryTraffic(deps: DeploymentDeps, d: Deployment): Promise<void> {
  const c = d.canary;
  if (!c) return;
  const weights = await readSliceWeights(deps.config.store, d.plan.environment, d.plan.service);
  if (!weights) {
    throw new RefusedError('unprocessable', 'canary-needs-upstream', `a canary moves traffic between the slices of ${d.plan.service}'s upstream in ${d.plan.environment}, and it has none with a blue and a green host; create one (docs/traffic.md)`, { environment: d.plan.environment, service: d.plan.service });
  }
  if (weights[c.to] > 0 && weights[c.from] === 0) {
    throw new RefusedError('conflict', 'canary-to-active-slice', `slice ${c.to} of ${d.plan.service} already takes all traffic in ${d.plan.environment}; deploy the canary to ${c.from}, the inactive slice`, { slice: c.to, active: c.to });
  }
}

export function authorizeDeployment(actor: Actor, plan: DeploymentPlan, method = 'POST', resource = DEPLOYMENTS_RESOURCE): void {
  requirePermission(actor, { method, resource, clusters: [plan.owningCluster], environmentTypes: plan.environmentType ? [plan.environmentType] : [] });
  if (method === 'POST' && plan.securityZone.toLowerCase() === 'secure') requirePermission(actor, { method: 'POST', resource: SECURE_ZONE_RESOURCE });
}

/** SPEC §5: the package built for the environment, else the service's package of that version. */
async function findPackage(deps: DeploymentDeps, plan: DeploymentPlan): Promise<PackageRef> {
  const own: PackageRef = { service: plan.service, version: plan.version, environment: plan.environment };
  if (await deps.packages.stat(own)) return own;
  const shared: PackageRef = { service: plan.service, version: plan.version };
  if (await deps.packages.stat(shared)) return shared;
  throw new RefusedError(
    'not-found',
    'package-not-found',
    `package ${describePackageRef(shared)} is not in EM's store (neither built for ${plan.environment} nor shared); upload it first: envmgr package upload ${plan.service} ${plan.version} <zip>`,
    { service: plan.service, version: plan.version, environment: plan.environment },
  );
}

async function dryRunOf(deps: DeploymentDeps, plan: DeploymentPlan, packageRef: PackageRef): Promise<DryRunPlan> {
  const group = await deps.compute.getGroup(plan.group.name);
  return { plan, groupExists: group !== undefined, expectedInstances: group?.size.desired ?? plan.group.size.desired, packageRef };
}
