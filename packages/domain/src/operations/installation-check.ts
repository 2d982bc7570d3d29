/**
 * The installation check of a service on one instance (SPEC §11 `installationcheck`): a checklist of what has to
 * hold for the service to run there, in the order a deployment makes it hold, each saying what is missing. Pure.
 */
import type { Slice } from '../deployments/deployment.js';
import type { NodeStatusValue } from '../deployments/target-state.js';
import { sameName, type RunningInstance } from './registrations.js';
import { targetApplies, type RoleTarget } from './target-state-view.js';

export type ChecklistItemName = 'target-state' | 'agent-report' | 'registered' | 'healthy';

export interface ChecklistItem {
  check: ChecklistItemName;
  ok: boolean;
  /** What holds, or what is missing and where to look. */
  detail: string;
}

export interface InstallationChecklist {
  slice: Slice;
  /** Every item holds. */
  ok: boolean;
  items: ChecklistItem[];
  /** The details of the items that do not hold, in order. */
  missing: string[];
}

export interface InstallationCheckInput {
  instanceId: string;
  /** The instance's runtime role (its `Role` tag). */
  role: string | undefined;
  service: string;
  slice: Slice;
  /** The entry at `environments/<env>/roles/<role>/services/<service>/<slice>`, if any. */
  target: RoleTarget | undefined;
  /** The entry's key, named when it is missing. */
  targetKey: string;
  /** `deployments/<target's deployment>/nodes/<instanceId>`, parsed; undefined when absent (or no target). */
  nodeStatus: NodeStatusValue | undefined;
  /** The service's registration on this instance, if any. */
  registration: RunningInstance | undefined;
}

function targetItem(p: InstallationCheckInput): ChecklistItem {
  const t = p.target;
  const item = (ok: boolean, detail: string): ChecklistItem => ({ check: 'target-state', ok, detail });
  if (p.role === undefined) return item(false, 'the instance has no Role tag, so its agent follows no target state');
  if (!t) return item(false, `no entry at ${p.targetKey}: nothing asks the agents of role ${p.role} to install it; deploy it`);
  if (t.action !== 'Install') return item(false, `the entry at ${t.key} says ${t.action}, so the agents do not install it`);
  if (!targetApplies(t, p.instanceId)) return item(false, `the entry at ${t.key} is for instances ${t.instanceIds.join(', ')} only`);
  return item(true, `the target state asks for ${t.version} (deployment ${t.deploymentId})`);
}

function reportItem(p: InstallationCheckInput): ChecklistItem {
  const item = (ok: boolean, detail: string): ChecklistItem => ({ check: 'agent-report', ok, detail });
  const t = p.target;
  if (!t) return item(false, 'no deployment to report on: the target state has no entry');
  const s = p.nodeStatus;
  const key = `deployments/${t.deploymentId}/nodes/${p.instanceId}`;
  if (!s) return item(false, `the agent has not reported on deployment ${t.deploymentId} (no ${key}): is the instance's agent running?`);
  const stage = s.LastCompletedStage ? `, last completed stage ${s.LastCompletedStage}` : '';
  if (s.Status === 'Success') return item(true, `the agent reported Success for deployment ${t.deploymentId}`);
  if (s.Status === 'In Progress') return item(false, `the agent is installing deployment ${t.deploymentId} (since ${s.StartTime}${stage})`);
  const failed = s.FailedStage ? ` at ${s.FailedStage}` : '';
  return item(false, `the agent reported Failed${failed} for deployment ${t.deploymentId}${s.ErrorReason ? `: ${s.ErrorReason}` : ''}; a retry needs a new deployment`);
}

function registeredItem(p: InstallationCheckInput): ChecklistItem {
  const item = (ok: boolean, detail: string): ChecklistItem => ({ check: 'registered', ok, detail });
  const r = p.registration;
  if (!r) return item(false, 'the service is not registered on this instance');
  const shown = `${r.serviceId} is registered at ${r.address}:${r.port} with version ${r.version ?? '(none)'}, deployment ${r.deploymentId ?? '(none)'}`;
  const t = p.target;
  if (t && (r.version !== t.version || r.deploymentId !== t.deploymentId)) return item(false, `${shown}; the target state asks for ${t.version} (deployment ${t.deploymentId})`);
  return item(true, shown);
}

function healthyItem(p: InstallationCheckInput): ChecklistItem {
  const item = (ok: boolean, detail: string): ChecklistItem => ({ check: 'healthy', ok, detail });
  const r = p.registration;
  if (!r) return item(false, 'not registered, so no health checks');
  if (r.checks.length === 0) return item(true, 'registered without health checks (counted as passing)');
  const failing = r.checks.filter((c) => c.status !== 'passing');
  if (failing.length === 0) return item(true, `${r.checks.length} check${r.checks.length > 1 ? 's' : ''} passing`);
  return item(false, failing.map((c) => `${c.name || c.checkId} is ${c.status}${c.output ? `: ${c.output}` : ''}`).join('; '));
}

/** The checklist of one service slice on one instance. */
export function installationChecklist(p: InstallationCheckInput): InstallationChecklist {
  const items = [targetItem(p), reportItem(p), registeredItem(p), healthyItem(p)];
  return { slice: p.slice, ok: items.every((i) => i.ok), items, missing: items.filter((i) => !i.ok).map((i) => i.detail) };
}

/**
 * The slices to check on an instance of `role`: the one asked for, else those its role's entries name for the
 * service, else `none`.
 */
export function slicesToCheck(p: { service: string; role: string | undefined; targets: readonly RoleTarget[]; slice: Slice | undefined }): Slice[] {
  if (p.slice !== undefined) return [p.slice];
  const named = p.targets.filter((t) => p.role !== undefined && sameName(t.role, p.role) && sameName(t.service, p.service)).map((t) => t.slice);
  return named.length > 0 ? [...new Set(named)] : ['none'];
}
