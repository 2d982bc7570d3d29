/**
 * The deployment state machine (ARCHITECTURE §3, SPEC §5 "Ours"): `requested → provisioning → deploying →
 * succeeded | failed | cancelled`. Pure: a driver job observes, calls `advance`, and carries out the commands.
 *
 * Steps, one transition per call:
 * - requested → provisioning, issuing `createGroup` when the group does not exist (an existing group is used as it is).
 * - provisioning → deploying once the group exists, issuing `writeTargetState` (ExpectedNodeDeployments = the live
 *   group's desired size). A group found switched off (members stopped or in Standby, or scaled to zero by its
 *   schedule) is first woken with `wakeGroup`, and the deployment stays provisioning until it is awake; the scheduler
 *   holds a group with an active deployment on, and returns it to its schedule after the end (schedule-aware
 *   deployments, ours).
 * - deploying → succeeded when every instance in service reports Success and passes its health checks; → failed when
 *   any node reports Failed, one stays In Progress past the node timeout, or one that succeeded does not pass its
 *   checks by the health deadline. No instance in service keeps it waiting; late joiners are expected too.
 * - deploying → canary instead of succeeded when the request asked for a canary: traffic moves to the new slice in
 *   weight steps (`setTrafficWeights`), → succeeded after the last step, → failed (traffic back on the old slice) when
 *   the new slice's health or error rate breaks its bounds (canary.ts). A canary that ends any other way (cancel,
 *   timeout) also puts the traffic back.
 * - Any non-terminal state → failed at the overall timeout (counted from the request), or when the driver reports a
 *   command that failed for good. Terminal states are never left: `advance` returns them unchanged, with no command.
 *
 * Idempotency. `Deployment.issued` records, per command kind, the attempt number and the driver run (`runId`) that
 * issued it. A command is issued when its effect is not observed (group missing, role key not holding this
 * deployment) and no attempt of the current run exists (`needsIssue`). So:
 * - advancing again on the same observations issues nothing new: the result is a fixed point;
 * - a restarted driver (new `runId`) that still cannot see a command's effect issues it again, with the next
 *   attempt number; every command is idempotent, so a duplicate is harmless;
 * - end-of-deployment commands (`writeOverallStatus`, `markIgnored`) are issued once, on entering a terminal state.
 * The driver should carry out the commands before saving `next` (with the record's expected version): a crash or a
 * failed command in between leaves the previous record, whose next advance issues the same step again. Saving first
 * also works, since a new run re-issues what it cannot see, except for the end-of-deployment commands.
 */
import {
  DEFAULT_HEALTH_DEADLINE_MS,
  DEFAULT_OVERALL_TIMEOUT_MS,
  isTerminal,
  refuseDeployment,
  type AdvanceSettings,
  type Command,
  type Deployment,
  type DeploymentPlan,
  type DeploymentRefusal,
  type DeploymentState,
  type GroupSleep,
  type GroupWake,
  type Observations,
} from './deployment.js';
import { appendLog } from './deployment-log.js';
import { createGroupCommand, markIgnoredCommand, needsIssue, overallStatusCommand, recordIssue, wakeGroupCommand, writeTargetStateCommand } from './commands.js';
import { judge, observeNodes, overallTimeoutReason, type Timeouts } from './monitor.js';
import { canaryEndCommand, startCanary, whileCanary } from './canary.js';

export interface AdvanceResult {
  /** The record to save; the same object when nothing changed. */
  next: Deployment;
  /** To carry out in order. */
  commands: Command[];
}

export function timeoutsOf(plan: DeploymentPlan, settings: AdvanceSettings): Timeouts {
  return {
    overallMs: settings.overallTimeoutMs ?? DEFAULT_OVERALL_TIMEOUT_MS,
    nodeMs: settings.nodeTimeoutMs ?? plan.installationTimeoutMin * 60_000,
    healthMs: settings.healthDeadlineMs ?? DEFAULT_HEALTH_DEADLINE_MS,
  };
}

/** Moves a deployment one step on, given what the driver observed at `nowMs` (see the module comment). */
export function advance(d: Deployment, obs: Observations, nowMs: number, settings: AdvanceSettings = {}): AdvanceResult {
  if (isTerminal(d.state)) return { next: d, commands: [] };
  const t = timeoutsOf(d.plan, settings);
  const seen = d.state === 'deploying' || d.state === 'canary' ? observeNodes(d, obs, nowMs) : undefined;
  const current = seen?.changed ? { ...d, nodes: seen.nodes, updatedAtMs: nowMs, log: appendLog(d.log, nowMs, ...seen.lines) } : d;
  if (obs.commandFailure) {
    const { kind, message } = obs.commandFailure;
    return end(current, { nowMs, state: 'failed', reason: `${kind} failed: ${message}`, runId: obs.runId, wroteTargetState: wroteTargetState(current, obs) });
  }
  if (nowMs - d.requestedAtMs >= t.overallMs) {
    const reason = overallTimeoutReason(current, current.nodes, t);
    return end(current, { nowMs, state: 'failed', reason, runId: obs.runId, wroteTargetState: wroteTargetState(current, obs) });
  }
  if (current.state === 'requested') return fromRequested(current, obs, nowMs);
  if (current.state === 'provisioning') return fromProvisioning(current, obs, nowMs);
  if (current.state === 'canary') return inCanary(current, obs, nowMs);
  return whileDeploying(current, obs, nowMs, t);
}

function inCanary(d: Deployment, obs: Observations, nowMs: number): AdvanceResult {
  const r = whileCanary(d, obs, nowMs);
  if (!r.end) return r;
  if (r.end.state === 'failed') return end(r.next, { nowMs, state: 'failed', reason: r.end.reason, runId: obs.runId, wroteTargetState: true });
  return end(r.next, { nowMs, state: 'succeeded', summary: r.end.summary, runId: obs.runId, wroteTargetState: true });
}

/** Once deploying, the target state was written (or found written, after a restart from an older record). */
const wroteTargetState = (d: Deployment, obs: Observations): boolean => d.state === 'deploying' || obs.targetStatePresent;

function moveTo(d: Deployment, state: DeploymentState, nowMs: number, ...lines: string[]): Deployment {
  return { ...d, state, updatedAtMs: nowMs, log: appendLog(d.log, nowMs, ...lines) };
}

function fromRequested(d: Deployment, obs: Observations, nowMs: number): AdvanceResult {
  const g = d.plan.group;
  if (obs.group) {
    const next = moveTo(d, 'provisioning', nowMs, `provisioning: group ${g.name} exists (${obs.group.inServiceInstanceIds.length} in service) and is used as it is`);
    return { next, commands: [] };
  }
  const moved = moveTo(d, 'provisioning', nowMs, `provisioning: creating group ${g.name} (size ${g.size.min}/${g.size.desired}/${g.size.max}, image ${g.launch.image})`);
  if (!needsIssue(d, 'createGroup', false, obs.runId)) return { next: moved, commands: [] };
  const { issued, attempt } = recordIssue(d, 'createGroup', obs.runId, nowMs);
  const next = { ...moved, issued };
  return { next, commands: [createGroupCommand(next, attempt)] };
}

function fromProvisioning(d: Deployment, obs: Observations, nowMs: number): AdvanceResult {
  const g = d.plan.group;
  if (!obs.group) {
    if (!needsIssue(d, 'createGroup', false, obs.runId)) return { next: d, commands: [] };
    const { issued, attempt } = recordIssue(d, 'createGroup', obs.runId, nowMs);
    const next = { ...d, issued, updatedAtMs: nowMs, log: appendLog(d.log, nowMs, `group ${g.name} is still missing: creating it again (attempt ${attempt})`) };
    return { next, commands: [createGroupCommand(next, attempt)] };
  }
  if (obs.group.sleeping) return wake(d, obs, obs.group.sleeping, nowMs);
  const expected = obs.group.desiredCapacity ?? obs.group.inServiceInstanceIds.length;
  const role = `${d.plan.environment}/${d.plan.runtimeServerRole}`;
  if (!needsIssue(d, 'writeTargetState', obs.targetStatePresent, obs.runId)) {
    return { next: moveTo(d, 'deploying', nowMs, `deploying: the target state of role ${role} is written`), commands: [] };
  }
  const { issued, attempt } = recordIssue(d, 'writeTargetState', obs.runId, nowMs);
  const next = { ...moveTo(d, 'deploying', nowMs, `deploying: writing the target state of role ${role} (${expected} instance(s) expected)`), issued };
  return { next, commands: [writeTargetStateCommand(next, attempt, expected)] };
}

/**
 * The group is switched off: wake it once members have settled (a stopping instance cannot be started yet), and
 * wait, provisioning, until it is awake. The choice is logged, so the deployment's progress shows it.
 */
function wake(d: Deployment, obs: Observations, sleep: GroupSleep, nowMs: number): AdvanceResult {
  const g = d.plan.group.name;
  if (sleep.transitioning > 0 || !needsIssue(d, 'wakeGroup', false, obs.runId)) return { next: d, commands: [] };
  const parts = [
    sleep.stoppedInstanceIds.length > 0 ? `starting ${sleep.stoppedInstanceIds.length} stopped instance(s)` : '',
    sleep.standbyInstanceIds.length > 0 ? `taking ${sleep.standbyInstanceIds.length} instance(s) out of Standby` : '',
    sleep.savedSize ? `restoring its size ${sleep.savedSize.min}/${sleep.savedSize.desired}/${sleep.savedSize.max} (scaled to zero by its schedule)` : '',
  ].filter((p) => p !== '');
  const line = `provisioning: group ${g} is switched off; waking it for this deployment: ${parts.join(', ')}. The scheduler keeps it on until the deployment ends, then returns it to its schedule`;
  const { issued, attempt } = recordIssue(d, 'wakeGroup', obs.runId, nowMs);
  const wakeRecord: GroupWake = {
    atMs: d.wake?.atMs ?? nowMs,
    group: g,
    started: sleep.stoppedInstanceIds.length,
    exitedStandby: sleep.standbyInstanceIds.length,
    ...(sleep.savedSize ? { restoredSize: sleep.savedSize } : d.wake?.restoredSize ? { restoredSize: d.wake.restoredSize } : {}),
  };
  const next: Deployment = { ...d, issued, wake: wakeRecord, updatedAtMs: nowMs, log: appendLog(d.log, nowMs, line) };
  return { next, commands: [wakeGroupCommand(next, attempt, sleep)] };
}

function whileDeploying(d: Deployment, obs: Observations, nowMs: number, t: Timeouts): AdvanceResult {
  const verdict = judge(d, d.nodes, nowMs, t);
  if (verdict.outcome === 'failed') {
    return end({ ...d, nodes: verdict.nodes }, { nowMs, state: 'failed', reason: verdict.reason, runId: obs.runId, wroteTargetState: true });
  }
  if (verdict.outcome === 'succeeded' && d.canary && d.canary.step < 0) {
    const n = Object.values(d.nodes).filter((node) => node.inService).length;
    const ready = { ...d, log: appendLog(d.log, nowMs, `${n}/${n} instance(s) installed ${d.plan.service} ${d.plan.version} and pass their health checks`) };
    return startCanary(ready, d.canary, obs.runId, nowMs);
  }
  if (verdict.outcome === 'succeeded') {
    const n = Object.values(d.nodes).filter((node) => node.inService).length;
    const summary = `${n}/${n} instance(s) installed ${d.plan.service} ${d.plan.version} and pass their health checks`;
    return end(d, { nowMs, state: 'succeeded', summary, runId: obs.runId, wroteTargetState: true });
  }
  if (!needsIssue(d, 'writeTargetState', obs.targetStatePresent, obs.runId)) return { next: d, commands: [] };
  const expected = obs.group?.desiredCapacity ?? obs.group?.inServiceInstanceIds.length ?? d.plan.group.size.desired;
  const { issued, attempt } = recordIssue(d, 'writeTargetState', obs.runId, nowMs);
  const next = { ...d, issued, updatedAtMs: nowMs, log: appendLog(d.log, nowMs, `the target state is missing: writing it again (attempt ${attempt})`) };
  return { next, commands: [writeTargetStateCommand(next, attempt, expected)] };
}

interface Ending {
  nowMs: number;
  state: 'succeeded' | 'failed' | 'cancelled';
  /** Recorded as the deployment's reason (failed, cancelled). */
  reason?: string;
  /** Logged instead of a reason (succeeded). */
  summary?: string;
  runId: string;
  wroteTargetState: boolean;
  /** Cancel only: flip the role key to Ignore first. */
  ignore?: boolean;
}

/** Enters a terminal state; updates `overall_status` (and the role key's Action) when the target state was written. */
function end(d: Deployment, e: Ending): AdvanceResult {
  const lines = [`${e.state}: ${e.reason ?? e.summary ?? ''}`];
  if (d.wake) lines.push(`group ${d.wake.group} was woken for this deployment: the scheduler returns it to its schedule at its next pass`);
  let next: Deployment = { ...d, state: e.state, endedAtMs: e.nowMs, updatedAtMs: e.nowMs, log: appendLog(d.log, e.nowMs, ...lines) };
  if (e.reason !== undefined) next.reason = e.reason;
  if (!e.wroteTargetState) return { next, commands: [] };
  const commands: Command[] = [];
  if (d.state === 'canary') {
    const weights = recordIssue(next, 'setTrafficWeights', e.runId, e.nowMs);
    next = { ...next, issued: weights.issued };
    const cmd = canaryEndCommand(next, weights.attempt, e.state === 'succeeded');
    if (cmd) commands.push(cmd);
  }
  if (e.ignore) {
    const ignored = recordIssue(next, 'markIgnored', e.runId, e.nowMs);
    next = { ...next, issued: ignored.issued };
    commands.push(markIgnoredCommand(next, ignored.attempt));
  }
  const status = recordIssue(next, 'writeOverallStatus', e.runId, e.nowMs);
  next = { ...next, issued: status.issued };
  commands.push(overallStatusCommand(next, status.attempt, e.state));
  return { next, commands };
}

/**
 * Cancels a deployment that is not finished (SPEC §5 "Cancel"): it stops waiting and is `cancelled`. Once the
 * target state was written, the role key's Action becomes Ignore (new instances will not install it) and
 * `overall_status` Cancelled; installs already running continue, and instances keep what they installed.
 * Refuses (409 `deployment-finished`) a deployment that already ended.
 */
export function cancel(d: Deployment, nowMs: number, options: { by?: string } = {}): (AdvanceResult & { ok: true }) | DeploymentRefusal {
  if (isTerminal(d.state)) {
    return refuseDeployment('conflict', 'deployment-finished', `deployment '${d.id}' is already ${d.state}; only a deployment in progress can be cancelled`, { id: d.id, state: d.state });
  }
  const by = options.by !== undefined ? ` by ${options.by}` : '';
  const wrote = d.state === 'deploying' || d.state === 'canary';
  const reason = wrote
    ? `cancelled${by}; instances keep what they have installed, installs already running finish, and new instances will not install ${d.plan.service} ${d.plan.version}`
    : `cancelled${by} before the target state was written; nothing was installed${d.state === 'provisioning' ? ` (group ${d.plan.group.name} stays as it is)` : ''}`;
  const result = end(d, { nowMs, state: 'cancelled', reason, runId: 'cancel', wroteTargetState: wrote, ignore: true });
  return { ok: true, ...result };
}
