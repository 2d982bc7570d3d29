/**
 * The commands of a deployment, and the record of which were issued (the idempotency rule of advance.ts). Pure.
 */
import type { Command, CommandKind, Deployment, DeploymentState, GroupSleep, IssuedCommand } from './deployment.js';
import { targetStateWrites } from './plan-deployment.js';
import { overallStatusKey, roleServiceKey, roleServiceValue, type OverallStatus } from './target-state.js';

/**
 * Whether a command must be issued now: its effect is not observed and this run has not issued it already.
 * A run trusts its own commands (their effect may take a moment to show); a new run (a restart, or another
 * driver taking the lock) re-issues a command whose effect it cannot see, which idempotent commands make safe.
 */
export function needsIssue(d: Deployment, kind: CommandKind, isEffectObserved: boolean, runId: string): boolean {
  if (isEffectObserved) return false;
  const previous = d.issued[kind];
  return previous === undefined || previous.runId !== runId;
}

/** The deployment with `kind` recorded as issued once more by `runId`, and the attempt number. */
export function recordIssue(d: Deployment, kind: CommandKind, runId: string, nowMs: number): { issued: Deployment['issued']; attempt: number } {
  const attempt = (d.issued[kind]?.attempt ?? 0) + 1;
  const record: IssuedCommand = { attempt, runId, atMs: nowMs };
  return { issued: { ...d.issued, [kind]: record }, attempt };
}

export function createGroupCommand(d: Deployment, attempt: number): Command {
  const account = d.plan.accountNumber;
  return { kind: 'createGroup', deploymentId: d.id, attempt, ...(account !== undefined ? { accountNumber: account } : {}), spec: d.plan.group };
}

export function writeTargetStateCommand(d: Deployment, attempt: number, expectedNodeDeployments: number): Command {
  return {
    kind: 'writeTargetState',
    deploymentId: d.id,
    attempt,
    environment: d.plan.environment,
    writes: targetStateWrites(d.plan, d.id, expectedNodeDeployments),
  };
}

const OVERALL: Partial<Record<DeploymentState, OverallStatus>> = { succeeded: 'Success', failed: 'Failed', cancelled: 'Cancelled' };

/** `overall_status` at the end: Success, Failed or Cancelled. */
export function overallStatusCommand(d: Deployment, attempt: number, state: DeploymentState): Command {
  const value = OVERALL[state] ?? 'In Progress';
  return { kind: 'writeOverallStatus', deploymentId: d.id, attempt, environment: d.plan.environment, write: { key: overallStatusKey(d.id), value } };
}

/** The role key with `Action: "Ignore"`: agents stop installing this deployment; what they installed stays. */
export function markIgnoredCommand(d: Deployment, attempt: number): Command {
  const p = d.plan;
  const value = roleServiceValue({ service: p.service, version: p.version, slice: p.slice, deploymentId: d.id }, 'Ignore');
  return {
    kind: 'markIgnored',
    deploymentId: d.id,
    attempt,
    environment: p.environment,
    write: { key: roleServiceKey(p.environment, p.runtimeServerRole, p.service, p.slice), value: JSON.stringify(value) },
    onlyIfDeploymentId: d.id,
  };
}

/** Starts what is stopped, takes Standby members back, restores a size the scheduler saved. */
export function wakeGroupCommand(d: Deployment, attempt: number, sleep: GroupSleep): Command {
  const account = d.plan.accountNumber;
  return {
    kind: 'wakeGroup',
    deploymentId: d.id,
    attempt,
    ...(account !== undefined ? { accountNumber: account } : {}),
    group: d.plan.group.name,
    startInstanceIds: sleep.stoppedInstanceIds,
    exitStandbyInstanceIds: sleep.standbyInstanceIds,
    ...(sleep.savedSize !== undefined ? { restoreSize: sleep.savedSize } : {}),
  };
}
