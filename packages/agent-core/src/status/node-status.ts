/**
 * The per-node status of a deployment, `deployments/<id>/nodes/<instanceId>` (SPEC §5 "Monitor", §6 "Reporting").
 * The agent writes it by check-and-set at the start (`In Progress`) and at the end (`Success` with stage `Complete`,
 * or `Failed`); the deployment driver reads it. Pure.
 */
import { isObject, parseJson } from '../target-state/target-state.js';

export type NodeDeploymentState = 'In Progress' | 'Success' | 'Failed';

/** The JSON value of a node status key. Field names are EM's; `FailedStage` and `ErrorReason` are ours. */
export interface NodeDeploymentStatus {
  Cause: 'Deployment';
  /** ISO 8601. */
  StartTime: string;
  /** ISO 8601; null while in progress. */
  EndTime: string | null;
  /** The last stage that completed (`DEPLOYMENT_STAGES`, or `Complete`); '' before the first. */
  LastCompletedStage: string;
  /** URL of the uploaded deployment log; '' until it is uploaded. */
  Log: string;
  /** How many times this node tried the deployment (the agent tries once). */
  NumberOfAttempts: number;
  Status: NodeDeploymentState;
  /** Failed only: the stage that failed. */
  FailedStage?: string;
  /** Failed only: names the service, version, stage and the first lines of the hook's output. */
  ErrorReason?: string;
}

const STATES: readonly NodeDeploymentState[] = ['In Progress', 'Success', 'Failed'];

/** Reads a node status value; undefined when it is not one (the caller treats it as unknown). */
export function parseNodeStatus(text: string | undefined): NodeDeploymentStatus | undefined {
  if (text === undefined) return undefined;
  const json = parseJson(text);
  if (!json.ok || !isObject(json.value)) return undefined;
  const v = json.value;
  const status = STATES.find((s) => s === v.Status);
  if (!status) return undefined;
  const out: NodeDeploymentStatus = {
    Cause: 'Deployment',
    StartTime: typeof v.StartTime === 'string' ? v.StartTime : '',
    EndTime: typeof v.EndTime === 'string' ? v.EndTime : null,
    LastCompletedStage: typeof v.LastCompletedStage === 'string' ? v.LastCompletedStage : '',
    Log: typeof v.Log === 'string' ? v.Log : '',
    NumberOfAttempts: typeof v.NumberOfAttempts === 'number' ? v.NumberOfAttempts : 0,
    Status: status,
  };
  if (typeof v.FailedStage === 'string') out.FailedStage = v.FailedStage;
  if (typeof v.ErrorReason === 'string') out.ErrorReason = v.ErrorReason;
  return out;
}

/**
 * SPEC §6 "attempt check": a deployment is tried once per node. Any recorded attempt (even one that is still
 * `In Progress`, left by an agent that died) means this node does not start it again.
 */
export function hasBeenAttempted(existing: NodeDeploymentStatus | undefined): boolean {
  return existing !== undefined && existing.NumberOfAttempts >= 1;
}

export function inProgressStatus(startTime: string): NodeDeploymentStatus {
  return { Cause: 'Deployment', StartTime: startTime, EndTime: null, LastCompletedStage: '', Log: '', NumberOfAttempts: 1, Status: 'In Progress' };
}

export function withCompletedStage(status: NodeDeploymentStatus, stage: string): NodeDeploymentStatus {
  return { ...status, LastCompletedStage: stage };
}

export function successStatus(status: NodeDeploymentStatus, p: { endTime: string; log: string }): NodeDeploymentStatus {
  const { FailedStage: _f, ErrorReason: _e, ...rest } = status;
  return { ...rest, Status: 'Success', EndTime: p.endTime, LastCompletedStage: 'Complete', Log: p.log };
}

export function failedStatus(status: NodeDeploymentStatus, p: { endTime: string; log: string; stage: string; reason: string }): NodeDeploymentStatus {
  return { ...status, Status: 'Failed', EndTime: p.endTime, Log: p.log, FailedStage: p.stage, ErrorReason: p.reason };
}

/** How many output lines a failure reason quotes, and how long it may get. */
const REASON_LINES = 5;
const REASON_MAX_CHARS = 2000;

/**
 * The reason of a failed install, e.g. `Hello 1.2.0 (c50-Hello) failed at ValidateService on i-0abc: hooks/validate.sh
 * exited with code 1; output: "…" | "…"`. It names the service, version, stage and instance and quotes the first
 * lines of the hook's output.
 */
export function describeFailure(p: {
  service: string;
  version: string;
  serviceId: string;
  instanceId: string;
  stage: string;
  message: string;
  outputLines?: readonly string[];
}): string {
  const lines = (p.outputLines ?? []).map((l) => l.trim()).filter((l) => l !== '').slice(0, REASON_LINES);
  const output = lines.length > 0 ? `; output: ${lines.map((l) => JSON.stringify(l)).join(' | ')}` : '';
  const reason = `${p.service} ${p.version} (${p.serviceId}) failed at ${p.stage} on ${p.instanceId}: ${p.message}${output}`;
  return reason.length > REASON_MAX_CHARS ? `${reason.slice(0, REASON_MAX_CHARS - 1)}…` : reason;
}
