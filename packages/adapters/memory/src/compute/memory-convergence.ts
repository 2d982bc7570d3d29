import type { Clock, Group, ScalingProcess } from '@envmgr/ports';
import { isCounted, pickSurplus, type InstanceRecord } from './memory-compute-rules.js';

/** Everything the memory compute holds. */
export interface MemoryState {
  clock: Clock;
  groups: Map<string, Group>;
  instances: Map<string, InstanceRecord>;
  /** Instances launched so far: the source of ids and addresses. */
  launched: number;
  terminatedRetentionMs: number;
}

export const isoNow = (s: MemoryState): string => new Date(s.clock.now()).toISOString();

const isSuspended = (g: Group, p: ScalingProcess): boolean => g.suspendedProcesses.includes(p);

/**
 * One convergence pass, the memory twin of the local adapter's reconcile pass: every instance moves one step
 * (pending → running, stopping → stopped, terminating → terminated, a dead one is noticed), then every group
 * launches or terminates to reach its desired size, then instances terminated longer than the retention are
 * forgotten. Returns whether anything changed, so the caller knows whether another pass could do more.
 */
export function convergeOnce(s: MemoryState): boolean {
  let changed = false;
  for (const rec of [...s.instances.values()]) changed = observe(s, rec) || changed;
  for (const group of [...s.groups.values()]) changed = scale(s, group) || changed;
  return purge(s) || changed;
}

function observe(s: MemoryState, rec: InstanceRecord): boolean {
  if (rec.state === 'terminated') return false;
  if (rec.terminating) return finishTermination(s, rec);
  if (rec.dead && (rec.state === 'pending' || rec.state === 'running')) return onDeath(s, rec);
  if (rec.state === 'stopping') {
    rec.state = 'stopped';
    return true;
  }
  if (rec.state === 'pending') {
    rec.state = 'running';
    if (rec.lifecycleState === 'Pending') rec.lifecycleState = 'InService';
    return true;
  }
  return false;
}

/** A machine that died without being stopped is terminated and replaced, as the group's health check would. */
function onDeath(s: MemoryState, rec: InstanceRecord): boolean {
  const group = rec.group === undefined ? undefined : s.groups.get(rec.group);
  if (group && isCounted(rec)) {
    if (isSuspended(group, 'HealthCheck')) return false;
    if (isSuspended(group, 'ReplaceUnhealthy') || isSuspended(group, 'Terminate')) {
      if (rec.health === 'Unhealthy') return false;
      rec.health = 'Unhealthy';
      return true;
    }
  }
  return finishTermination(s, rec);
}

/** Marks an instance for termination; members leave the count at once, the next pass completes it. */
export function requestTermination(rec: InstanceRecord): void {
  rec.terminating = true;
  if (rec.lifecycleState) rec.lifecycleState = 'Terminating';
}

function finishTermination(s: MemoryState, rec: InstanceRecord): boolean {
  Object.assign(rec, { state: 'terminated', terminating: undefined, dead: undefined, lifecycleState: undefined, health: undefined, terminatedAt: s.clock.now() });
  return true;
}

function scale(s: MemoryState, group: Group): boolean {
  const members = [...s.instances.values()].filter((r) => r.group === group.name && isCounted(r));
  const short = group.size.desired - members.length;
  if (short > 0 && !isSuspended(group, 'Launch')) {
    for (let i = 0; i < short; i++) launch(s, group);
    return true;
  }
  if (short < 0 && !isSuspended(group, 'Terminate')) {
    for (const victim of pickSurplus(members, -short)) requestTermination(victim);
    return true;
  }
  return false;
}

function launch(s: MemoryState, group: Group): void {
  s.launched += 1;
  const n = s.launched;
  // `i-` and 17 hex digits like EC2's; sequential, so that instances launched at one clock time list in launch order
  const id = `i-0e${n.toString(16).padStart(15, '0')}`;
  s.instances.set(id, {
    id,
    tags: { ...group.tags, Name: `${group.instanceNamePrefix ?? group.name}-${id.slice(2)}` },
    state: 'pending',
    group: group.name,
    lifecycleState: 'Pending',
    health: 'Healthy',
    launchTime: isoNow(s),
    privateAddress: `10.0.${Math.floor(n / 250) % 256}.${(n % 250) + 1}`,
  });
}

function purge(s: MemoryState): boolean {
  const cutoff = s.clock.now() - s.terminatedRetentionMs;
  let changed = false;
  for (const rec of [...s.instances.values()]) {
    if (rec.state === 'terminated' && rec.terminatedAt !== undefined && rec.terminatedAt < cutoff) {
      s.instances.delete(rec.id);
      changed = true;
    }
  }
  return changed;
}
