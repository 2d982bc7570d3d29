/**
 * The registry keys and values of a deployment (SPEC §5 item 3 "Target state", item 4 "Monitor"), byte for byte as
 * the agent (packages/agent-core target-state and status) reads and writes them. The domain cannot import
 * agent-core, so the shapes are repeated here; target-state.test.ts pins both sides with the same literal JSON.
 */
import { isJsonObject } from '../json.js';

/** One registry KV write: `value` is the exact text stored. */
export interface KvWrite {
  key: string;
  value: string;
}

/** `environments/<env>/roles/<runtimeRole>/services/<svc>/<slice>`: what the role's agents install. */
export function roleServiceKey(environment: string, runtimeRole: string, service: string, slice: string): string {
  return `environments/${environment}/roles/${runtimeRole}/services/${service}/${slice}`;
}

export function serviceDefinitionKey(environment: string, service: string, version: string): string {
  return `environments/${environment}/services/${service}/${version}/definition`;
}

export function serviceInstallationKey(environment: string, service: string, version: string): string {
  return `environments/${environment}/services/${service}/${version}/installation`;
}

export function overallStatusKey(deploymentId: string): string {
  return `deployments/${deploymentId}/overall_status`;
}

export function deploymentServiceKey(deploymentId: string): string {
  return `deployments/${deploymentId}/service`;
}

/** Read recursively to get every node status of a deployment. */
export function nodeStatusPrefix(deploymentId: string): string {
  return `deployments/${deploymentId}/nodes/`;
}

/** `deployments/<id>/nodes/<instanceId>`, written by the agent. */
export function nodeStatusKey(deploymentId: string, instanceId: string): string {
  return `${nodeStatusPrefix(deploymentId)}${instanceId}`;
}

/** The role key's JSON value (agent-core `ServiceTargetValue`), fields in EM's order. */
export interface RoleServiceValue {
  Name: string;
  Version: string;
  Slice: 'none' | 'blue' | 'green';
  DeploymentId: string;
  InstanceIds: string[];
  Action: 'Install' | 'Ignore';
  /**
   * Ours: the W3C `traceparent` the deployment was requested with, so that the agent logs it at each hook and gives
   * it to hooks as `TRACEPARENT`. Written only when there is one; agents that do not know it ignore it.
   */
  TraceParent?: string;
}

/** The value of `overall_status`. EM stores a string value as plain text, not JSON, and so do we. */
export type OverallStatus = 'In Progress' | 'Success' | 'Failed' | 'Cancelled';

/** Everything the target-state values are made from. */
export interface TargetStateInput {
  deploymentId: string;
  environment: string;
  environmentType: string;
  owningCluster: string;
  service: string;
  version: string;
  slice: 'none' | 'blue' | 'green';
  runtimeServerRole: string;
  consulServiceName: string;
  ports?: { blue: number; green: number };
  packageBucket: string;
  packageKey: string;
  installationTimeoutMin: number;
  expectedNodeDeployments: number;
  /** The W3C trace context of the request; left out of the role value when absent or not a valid `traceparent`. */
  traceparent?: string | undefined;
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * True for a W3C `traceparent` as EM carries it: lower-case hex `version-traceid-parentid-flags`, version not `ff`,
 * trace and parent ids not all zero (https://www.w3.org/TR/trace-context/#traceparent-header).
 */
export function isTraceparent(text: string | undefined): text is string {
  if (text === undefined || !TRACEPARENT.test(text)) return false;
  const [version, traceId = '', parentId = ''] = text.split('-');
  return version !== 'ff' && !/^0+$/.test(traceId) && !/^0+$/.test(parentId);
}

export function roleServiceValue(
  p: Pick<TargetStateInput, 'service' | 'version' | 'slice' | 'deploymentId' | 'traceparent'>,
  action: RoleServiceValue['Action'],
): RoleServiceValue {
  const value: RoleServiceValue = { Name: p.service, Version: p.version, Slice: p.slice, DeploymentId: p.deploymentId, InstanceIds: [], Action: action };
  if (isTraceparent(p.traceparent)) value.TraceParent = p.traceparent;
  return value;
}

/**
 * The five writes of SPEC §5 item 3, in the order to write them: the role key last, because agents wake on it and
 * then read the definition and installation keys, which must already be there.
 */
export function renderTargetState(p: TargetStateInput): KvWrite[] {
  const service = {
    Name: p.consulServiceName,
    ID: p.consulServiceName,
    Address: '',
    ...(p.ports ? { Ports: { blue: p.ports.blue, green: p.ports.green } } : {}),
    Tags: [`environment_type:${p.environmentType}`, `environment:${p.environment}`, `owning_cluster:${p.owningCluster}`, `version:${p.version}`],
  };
  const deployment = {
    Name: p.service,
    Version: p.version,
    ServerRole: p.runtimeServerRole,
    Environment: p.environment,
    Action: 'Install',
    ExpectedNodeDeployments: p.expectedNodeDeployments,
  };
  const installation = { PackageBucket: p.packageBucket, PackageKey: p.packageKey, InstallationTimeout: p.installationTimeoutMin };
  const inProgress: OverallStatus = 'In Progress';
  return [
    { key: serviceDefinitionKey(p.environment, p.service, p.version), value: JSON.stringify({ Service: service }) },
    { key: serviceInstallationKey(p.environment, p.service, p.version), value: JSON.stringify(installation) },
    { key: deploymentServiceKey(p.deploymentId), value: JSON.stringify(deployment) },
    { key: overallStatusKey(p.deploymentId), value: inProgress },
    { key: roleServiceKey(p.environment, p.runtimeServerRole, p.service, p.slice), value: JSON.stringify(roleServiceValue(p, 'Install')) },
  ];
}

/** The node status value the agent writes (agent-core `NodeDeploymentStatus`). */
export interface NodeStatusValue {
  Cause: 'Deployment';
  /** ISO 8601, the agent's clock. */
  StartTime: string;
  EndTime: string | null;
  /** The last stage that completed, `Complete` after Success; '' before the first. */
  LastCompletedStage: string;
  /** URL of the uploaded log; '' until uploaded. */
  Log: string;
  NumberOfAttempts: number;
  Status: 'In Progress' | 'Success' | 'Failed';
  /** Failed only (ours): the stage that failed. */
  FailedStage?: string;
  /** Failed only (ours): service, version, stage, instance and the first lines of the hook's output. */
  ErrorReason?: string;
}

const NODE_STATES: readonly NodeStatusValue['Status'][] = ['In Progress', 'Success', 'Failed'];

/** Reads a node status key's text; undefined when it is not one (the driver then treats the node as Not Started). */
export function parseNodeStatusValue(text: string | undefined): NodeStatusValue | undefined {
  if (text === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isJsonObject(v)) return undefined;
  const status = NODE_STATES.find((s) => s === v.Status);
  if (!status) return undefined;
  const str = (x: unknown, fallback: string): string => (typeof x === 'string' ? x : fallback);
  const out: NodeStatusValue = {
    Cause: 'Deployment',
    StartTime: str(v.StartTime, ''),
    EndTime: typeof v.EndTime === 'string' ? v.EndTime : null,
    LastCompletedStage: str(v.LastCompletedStage, ''),
    Log: str(v.Log, ''),
    NumberOfAttempts: typeof v.NumberOfAttempts === 'number' ? v.NumberOfAttempts : 0,
    Status: status,
  };
  if (typeof v.FailedStage === 'string') out.FailedStage = v.FailedStage;
  if (typeof v.ErrorReason === 'string') out.ErrorReason = v.ErrorReason;
  return out;
}
