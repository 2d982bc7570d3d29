/**
 * From a deployment request and the configuration to a `requested` deployment with its full plan (SPEC §4, §5),
 * or a refusal. Pure: the application layer loads the configuration, checks permissions, the package and the
 * deploy lock, and stores the result.
 */
import type { Resolve } from '../config/entities.js';
import { isJsonObject, stringAt, valueAt, type JsonObject } from '../json.js';
import {
  DEFAULT_INSTALLATION_TIMEOUT_MIN,
  refuseDeployment,
  type CheckedDeploymentRequest,
  type Deployment,
  type DeploymentPlan,
  type DeploymentRefusal,
  type DeploymentRequest,
} from './deployment.js';
import { appendLog } from './deployment-log.js';
import { checkDeploymentRequest } from './deployment-request.js';
import { groupSpecOf, type OwningCluster } from './group-spec.js';
import { consulServiceNameOf, packageKeyOf, runtimeServerRoleOf, slicePortOf } from './naming.js';
import { resolveServerRole, serverRolesOf, type ServerRole } from './server-role.js';
import { isTraceparent, renderTargetState, type KvWrite } from './target-state.js';

/** What `planDeployment` reads besides the request. */
export interface DeploymentConfigView {
  /** Looks up a configuration item's wire document (without Version); undefined when there is none. */
  resolve: Resolve;
  /** The environment of the package the application layer found: set when it is the environment's own build. */
  packageEnvironment?: string | undefined;
  /** Minutes an install may take, written to the installation key. @default 20 */
  installationTimeoutMin?: number | undefined;
}

/** The package bucket written when the environment type names no `DeploymentBucket` (embedded mode). */
export const LOCAL_PACKAGE_BUCKET = 'local';

interface Context {
  request: CheckedDeploymentRequest;
  environment: JsonObject;
  environmentName: string;
  environmentType: string;
  typeDoc: JsonObject | undefined;
  service: JsonObject;
  role: ServerRole;
}

const misconfigured = (message: string, details: Record<string, unknown>): DeploymentRefusal =>
  refuseDeployment('unprocessable', 'server-role-misconfigured', message, details);

/**
 * Plans a deployment. Refusals, in SPEC §5's order: `invalid-version`, `slice-not-allowed`, `unknown-mode`,
 * `slice-required` (400); `unknown-environment`, `unknown-service` (404); `no-deployment-map`,
 * `unknown-server-role`, `ambiguous-server-role` (422); `fleet-per-slice-needs-slice` (400);
 * `server-role-misconfigured` (422: its cluster is missing, or it has no ContactEmailTag or AMI, or a Secure role
 * uses subnets not marked Secure).
 */
export function planDeployment(request: DeploymentRequest, config: DeploymentConfigView, nowMs: number, id: string): { ok: true; deployment: Deployment } | DeploymentRefusal {
  const checked = checkDeploymentRequest(request);
  if (!checked.ok) return checked;
  const ctx = loadContext(checked.request, config.resolve);
  if ('ok' in ctx) return ctx;
  const plan = buildPlan(ctx, config, id, request.traceparent);
  if (!plan.ok) return plan;
  const r = ctx.request;
  const by = r.requestedBy !== undefined ? ` by ${r.requestedBy}` : '';
  const deployment: Deployment = {
    schemaVersion: 1,
    id,
    state: 'requested',
    request: r,
    plan: plan.plan,
    requestedAtMs: nowMs,
    updatedAtMs: nowMs,
    nodes: {},
    log: appendLog([], nowMs, `requested${by}: ${plan.plan.service} ${plan.plan.version} to ${plan.plan.environment} (${r.mode}, slice ${r.slice}) on server role ${plan.plan.runtimeServerRole}, group ${plan.plan.group.name}`),
    issued: {},
  };
  if (r.canary && (r.slice === 'blue' || r.slice === 'green')) {
    deployment.canary = { plan: r.canary, from: r.slice === 'blue' ? 'green' : 'blue', to: r.slice, step: -1 };
  }
  return { ok: true, deployment };
}

function loadContext(request: CheckedDeploymentRequest, resolve: Resolve): Context | DeploymentRefusal {
  const environment = resolve('environments', request.environment);
  if (!environment) return refuseDeployment('not-found', 'unknown-environment', `environment '${request.environment}' does not exist`, { environment: request.environment });
  const service = resolve('services', request.service);
  if (!service) return refuseDeployment('not-found', 'unknown-service', `service '${request.service}' does not exist; register it first`, { service: request.service });
  const environmentName = stringAt(environment, 'EnvironmentName') ?? request.environment;
  const serviceName = stringAt(service, 'ServiceName') ?? request.service;
  const mapName = stringAt(environment, 'Value.DeploymentMap');
  const map = mapName !== undefined ? resolve('deployment-maps', mapName) : undefined;
  if (!mapName || !map) {
    const why = mapName ? `its deployment map '${mapName}' does not exist` : 'it has no deployment map';
    return refuseDeployment('unprocessable', 'no-deployment-map', `cannot deploy to environment '${environmentName}': ${why}; set Value.DeploymentMap`, { environment: environmentName, deploymentMap: mapName ?? null });
  }
  const chosen = resolveServerRole({ roles: serverRolesOf(map), mapName, service: serviceName, requested: request.serverRole });
  if (!chosen.ok) return chosen;
  if (chosen.role.fleetPerSlice && request.slice === 'none') {
    return refuseDeployment('invalid', 'fleet-per-slice-needs-slice', `server role '${chosen.role.name}' has a fleet per slice, so a deployment to it needs slice blue or green (mode bluegreen)`, { serverRole: chosen.role.name });
  }
  const environmentType = stringAt(environment, 'Value.EnvironmentType') ?? '';
  const typeDoc = environmentType ? resolve('environment-types', environmentType) : undefined;
  return { request, environment, environmentName, environmentType, typeDoc, service, role: chosen.role };
}

function clusterOf(ctx: Context, resolve: Resolve): OwningCluster | DeploymentRefusal {
  const name = ctx.role.owningCluster;
  const doc = name !== undefined ? resolve('clusters', name) : undefined;
  const shortName = doc ? stringAt(doc, 'Value.ShortName') : undefined;
  if (!name || !doc || !shortName) {
    return misconfigured(`server role '${ctx.role.name}' needs an owning cluster with a ShortName; cluster '${name ?? ''}' ${doc ? 'has no ShortName' : 'does not exist'}`, { serverRole: ctx.role.name, cluster: name ?? null });
  }
  return { name: stringAt(doc, 'ClusterName') ?? name, shortName, keyPair: stringAt(doc, 'Value.KeyPair') };
}

/** EM refuses a Secure role on subnets the environment type does not mark Secure (when the type lists subnets). */
function subnetProblem(ctx: Context, subnetType: string, securityZone: string): DeploymentRefusal | undefined {
  if (securityZone.toLowerCase() !== 'secure' || !ctx.typeDoc) return undefined;
  const subnet = valueAt(ctx.typeDoc, `Value.Subnets.${subnetType}`);
  if (!isJsonObject(subnet) || subnet.Secure === true) return undefined;
  return misconfigured(`server role '${ctx.role.name}' is in the Secure zone but subnet type '${subnetType}' of environment type '${ctx.environmentType}' is not Secure; set SubnetTypeName to a Secure subnet type`, { serverRole: ctx.role.name, subnetType });
}

function buildPlan(ctx: Context, config: DeploymentConfigView, id: string, traceparent: string | undefined): { ok: true; plan: DeploymentPlan } | DeploymentRefusal {
  const cluster = clusterOf(ctx, config.resolve);
  if ('ok' in cluster) return cluster;
  const { role, request } = ctx;
  if (!role.contactEmail || !role.ami) {
    const missing = !role.contactEmail ? 'ContactEmailTag' : 'AMI';
    return misconfigured(`server role '${role.name}' has no ${missing}, which its group needs; set it in the deployment map`, { serverRole: role.name, field: missing });
  }
  const group = groupSpecOf({ role, cluster, environment: ctx.environmentName, environmentType: ctx.environmentType, slice: request.slice, contactEmail: role.contactEmail, image: role.ami });
  const problem = subnetProblem(ctx, group.launch.subnetType, group.launch.securityZone);
  if (problem) return problem;
  const service = stringAt(ctx.service, 'ServiceName') ?? request.service;
  const ports = portsOf(ctx.service);
  const pkg = { service, version: request.version, ...(config.packageEnvironment !== undefined ? { environment: config.packageEnvironment } : {}) };
  const accountNumber = ctx.typeDoc ? stringAt(ctx.typeDoc, 'Value.AWSAccountNumber') : undefined;
  const plan: DeploymentPlan = {
    environment: ctx.environmentName,
    environmentType: ctx.environmentType,
    ...(accountNumber !== undefined ? { accountNumber } : {}),
    service,
    version: request.version,
    mode: request.mode,
    slice: request.slice,
    serverRole: role.name,
    runtimeServerRole: runtimeServerRoleOf(role.name, request.slice, role.fleetPerSlice),
    owningCluster: cluster.name,
    securityZone: group.launch.securityZone,
    consulServiceName: consulServiceNameOf(ctx.environmentName, service, request.slice),
    ...(ports ? { ports, port: slicePortOf(request.slice, ports) } : {}),
    package: pkg,
    packageBucket: packageBucketOf(ctx.typeDoc),
    installationTimeoutMin: config.installationTimeoutMin ?? DEFAULT_INSTALLATION_TIMEOUT_MIN,
    group,
    ...(isTraceparent(traceparent) ? { traceparent } : {}),
    targetState: [],
  };
  plan.targetState = targetStateWrites(plan, id, group.size.desired);
  return { ok: true, plan };
}

function portsOf(service: JsonObject): { blue: number; green: number } | undefined {
  const blue = valueAt(service, 'Value.BluePort');
  const green = valueAt(service, 'Value.GreenPort');
  return typeof blue === 'number' && typeof green === 'number' ? { blue, green } : undefined;
}

function packageBucketOf(typeDoc: JsonObject | undefined): string {
  return (typeDoc ? stringAt(typeDoc, 'Value.DeploymentBucket') : undefined) ?? LOCAL_PACKAGE_BUCKET;
}

/**
 * The target-state writes of a plan, with `ExpectedNodeDeployments` = `expectedNodeDeployments` (the live group's
 * desired size when the deployment writes them; the server role's in the plan).
 */
export function targetStateWrites(plan: DeploymentPlan, deploymentId: string, expectedNodeDeployments: number): KvWrite[] {
  return renderTargetState({
    deploymentId,
    environment: plan.environment,
    environmentType: plan.environmentType,
    owningCluster: plan.owningCluster,
    service: plan.service,
    version: plan.version,
    slice: plan.slice,
    runtimeServerRole: plan.runtimeServerRole,
    consulServiceName: plan.consulServiceName,
    ...(plan.ports ? { ports: plan.ports } : {}),
    packageBucket: plan.packageBucket,
    packageKey: packageKeyOf(plan.package),
    installationTimeoutMin: plan.installationTimeoutMin,
    expectedNodeDeployments,
    traceparent: plan.traceparent,
  });
}
