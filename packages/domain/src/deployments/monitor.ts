/**
 * Following the nodes of a deploying deployment (SPEC §5 "Monitor", ARCHITECTURE §3 item 4): merging what the
 * driver observed into the per-node records, and the verdict. Pure.
 */
import { canonicalJson } from '../json.js';
import type { Deployment, NodeRecord, NodeState, Observations } from './deployment.js';

/** The node timeout's stage name, as EM records it. */
export const TIMED_OUT_STAGE = 'Timed Out';

/** How long things may take, resolved from `AdvanceSettings` and the plan. */
export interface Timeouts {
  overallMs: number;
  nodeMs: number;
  healthMs: number;
}

export type Verdict = { outcome: 'waiting' } | { outcome: 'succeeded' } | { outcome: 'failed'; reason: string; nodes: Record<string, NodeRecord> };

/**
 * When something happened by the agent's clock, kept between the request and now: the agents' clocks may differ
 * from EM's, and an install of this deployment cannot have started before it was requested.
 */
function agentTimeMs(iso: string | null | undefined, requestedAtMs: number, nowMs: number): number {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(ms) ? nowMs : Math.min(nowMs, Math.max(requestedAtMs, ms));
}

function nodeFrom(d: Deployment, obs: Observations, id: string, nowMs: number, inService: boolean): NodeRecord {
  const prev = d.nodes[id];
  const value = obs.nodes[id];
  const status: NodeState = value?.Status ?? 'Not Started';
  const node: NodeRecord = { status, inService, lastCompletedStage: value?.LastCompletedStage ?? prev?.lastCompletedStage ?? '', firstSeenMs: prev?.firstSeenMs ?? nowMs };
  if (value?.FailedStage !== undefined) node.failedStage = value.FailedStage;
  if (value?.ErrorReason !== undefined) node.errorReason = value.ErrorReason;
  const log = value?.Log || prev?.log;
  if (log) node.log = log;
  const inProgressSince = status === 'In Progress' ? (prev?.inProgressSinceMs ?? agentTimeMs(value?.StartTime, d.requestedAtMs, nowMs)) : prev?.inProgressSinceMs;
  if (inProgressSince !== undefined) node.inProgressSinceMs = inProgressSince;
  if (status === 'Success') {
    node.succeededAtMs = prev?.succeededAtMs ?? agentTimeMs(value?.EndTime, d.requestedAtMs, nowMs);
    node.health = obs.health[id] ?? 'unregistered';
  }
  return node;
}

function changeLines(id: string, prev: NodeRecord | undefined, node: NodeRecord): string[] {
  const lines: string[] = [];
  if (prev?.inService !== node.inService && (prev !== undefined || node.inService)) {
    lines.push(node.inService ? `${id} is in service: expected to install` : `${id} left the group's instances in service: no longer expected`);
  }
  if (prev === undefined || prev.status !== node.status || prev.lastCompletedStage !== node.lastCompletedStage) {
    const stage = node.lastCompletedStage ? ` (last completed stage ${node.lastCompletedStage})` : '';
    if (prev !== undefined || node.status !== 'Not Started') lines.push(`${id}: ${node.status}${stage}`);
  }
  if (node.health !== undefined && prev?.health !== node.health) lines.push(`${id}: health ${node.health}`);
  return lines;
}

/**
 * The node records updated with the observations: every instance in service is expected (including ones that
 * joined late), every instance seen before or with a status is kept. Returns `changed: false` when nothing differs,
 * so that advancing twice on the same observations changes nothing.
 */
export function observeNodes(d: Deployment, obs: Observations, nowMs: number): { nodes: Record<string, NodeRecord>; lines: string[]; changed: boolean } {
  const inService = new Set(obs.group?.inServiceInstanceIds ?? []);
  const ids = [...new Set([...Object.keys(d.nodes), ...inService, ...Object.keys(obs.nodes)])].sort();
  const nodes: Record<string, NodeRecord> = {};
  const lines: string[] = [];
  let changed = false;
  for (const id of ids) {
    const prev = d.nodes[id];
    const node = nodeFrom(d, obs, id, nowMs, inService.has(id));
    nodes[id] = node;
    if (prev === undefined || canonicalJson(prev) !== canonicalJson(node)) {
      changed = true;
      lines.push(...changeLines(id, prev, node));
    }
  }
  return { nodes, lines, changed };
}

const minutes = (ms: number): string => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`);

function failureReason(id: string, node: NodeRecord): string {
  const stage = node.failedStage ?? `the stage after ${node.lastCompletedStage || 'the start'}`;
  // the agent's reason already names service, version, stage, instance and the hook's first output lines
  const why = node.errorReason !== undefined && node.errorReason.includes(id) ? node.errorReason : `instance ${id} failed at ${stage}${node.errorReason ? `: ${node.errorReason}` : ''}`;
  return `${why}${node.log ? `; log: ${node.log}` : ''}`;
}

function andMore(ids: readonly string[]): string {
  return ids.length > 1 ? ` (and ${ids.length - 1} more: ${ids.slice(1, 6).join(', ')}${ids.length > 6 ? ', …' : ''})` : '';
}

/** Failure, success or waiting, from the updated node records (SPEC §5 "Monitor", with our health requirement). */
export function judge(d: Deployment, nodes: Record<string, NodeRecord>, nowMs: number, t: Timeouts): Verdict {
  const all = Object.entries(nodes);
  const expected = all.filter(([, n]) => n.inService);
  const failed = all.filter(([, n]) => n.status === 'Failed').map(([id]) => id);
  const [firstFailed] = failed;
  if (firstFailed !== undefined) return { outcome: 'failed', reason: failureReason(firstFailed, nodes[firstFailed] as NodeRecord) + andMore(failed), nodes };
  const stuck = expected.filter(([, n]) => n.status === 'In Progress' && nowMs - (n.inProgressSinceMs ?? nowMs) >= t.nodeMs).map(([id]) => id);
  const [firstStuck] = stuck;
  if (firstStuck !== undefined) {
    const timedOut = { ...nodes };
    for (const id of stuck) timedOut[id] = { ...(nodes[id] as NodeRecord), status: 'Failed', failedStage: TIMED_OUT_STAGE };
    const last = nodes[firstStuck]?.lastCompletedStage || 'none';
    return { outcome: 'failed', reason: `instance ${firstStuck} timed out: In Progress for more than ${minutes(t.nodeMs)} (stage ${TIMED_OUT_STAGE}; last completed stage: ${last})${andMore(stuck)}`, nodes: timedOut };
  }
  const sick = expected.filter(([, n]) => n.status === 'Success' && n.health !== 'passing' && nowMs - (n.succeededAtMs ?? nowMs) >= t.healthMs);
  const [firstSick] = sick;
  if (firstSick !== undefined) {
    const [id, n] = firstSick;
    const health = n.health === 'unregistered' ? 'not registered' : (n.health ?? 'unknown');
    const reason = `instance ${id} installed ${d.plan.service} ${d.plan.version} but ${d.plan.consulServiceName} did not pass its health checks within ${minutes(t.healthMs)} (health: ${health})`;
    return { outcome: 'failed', reason: reason + andMore(sick.map(([i]) => i)), nodes };
  }
  const done = expected.length > 0 && expected.every(([, n]) => n.status === 'Success' && n.health === 'passing');
  return done ? { outcome: 'succeeded' } : { outcome: 'waiting' };
}

/** Why the overall timeout struck: what the deployment was still waiting for. */
export function overallTimeoutReason(d: Deployment, nodes: Record<string, NodeRecord>, t: Timeouts): string {
  const head = `timed out after ${minutes(t.overallMs)}`;
  if (d.state === 'requested' || d.state === 'provisioning') return `${head} waiting for group ${d.plan.group.name} to exist`;
  const expected = Object.entries(nodes).filter(([, n]) => n.inService);
  if (expected.length === 0) return `${head}: group ${d.plan.group.name} has no instance in service`;
  const pending = expected.filter(([, n]) => !(n.status === 'Success' && n.health === 'passing'));
  const listed = pending.slice(0, 5).map(([id, n]) => {
    const what = n.status === 'Success' ? `health ${n.health ?? 'unknown'}` : n.lastCompletedStage ? `${n.status} after ${n.lastCompletedStage}` : n.status;
    return `${id} (${what})`;
  });
  const more = pending.length > 5 ? `, and ${pending.length - 5} more` : '';
  return `${head}: ${expected.length - pending.length}/${expected.length} instances done; waiting for ${listed.join(', ')}${more}`;
}
