import { randomBytes } from 'node:crypto';
import { DependencyUnavailableError } from '@envmgr/domain';
import type { Clock, PortRange } from '@envmgr/ports';
import type { Disk } from './disk.js';
import { pickSurplus } from './group-rules.js';
import { allocatePorts, type PortPoolOptions, type PortProbe } from './port-pool.js';
import type { InstanceLauncher } from './process-launcher.js';
import { instanceEnvironment, isCounted, isSuspended, type GroupRecord, type InstanceRecord } from './records.js';

/** Everything the local compute keeps in memory; the records mirror the files under its root. */
export interface LocalState {
  disk: Disk;
  launcher: InstanceLauncher;
  clock: Clock;
  ports: PortPoolOptions;
  portProbe: PortProbe | undefined;
  terminatedRetentionMs: number;
  groups: Map<string, GroupRecord>;
  instances: Map<string, InstanceRecord>;
  /** Stops in flight, by instance id: at most one per instance. */
  stops: Map<string, Promise<void>>;
  /** Launch failures per group, for backing off. */
  launchFailures: Map<string, { count: number; notBefore: number }>;
  /** Asks for a reconcile pass soon. */
  nudge(): void;
  onError(error: unknown): void;
  /** See LocalComputeOptions.onInstanceTerminated. */
  onTerminated: ((instance: { id: string; dir: string }) => Promise<void>) | undefined;
}

export const LOOPBACK = '127.0.0.1';
const MAX_LAUNCH_BACKOFF_MS = 60_000;

/** Changes a record in memory; callers save it. */
const patch = (rec: InstanceRecord, changes: Partial<InstanceRecord>): void => {
  Object.assign(rec, changes);
};

export const isoNow = (s: LocalState): string => new Date(s.clock.now()).toISOString();

/**
 * One reconcile pass: looks at every instance's process, then brings every group to its desired size, then forgets
 * instances terminated longer ago than the retention. Failures are reported to `onError` and retried next pass.
 */
export async function reconcilePass(s: LocalState): Promise<void> {
  for (const rec of [...s.instances.values()]) await attempt(s, () => observe(s, rec));
  for (const group of [...s.groups.values()]) await attempt(s, () => scale(s, group));
  await attempt(s, () => purge(s));
}

async function attempt(s: LocalState, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (err) {
    s.onError(err);
  }
}

async function observe(s: LocalState, rec: InstanceRecord): Promise<void> {
  if (rec.state === 'terminated' || rec.state === 'stopped') return;
  if (rec.terminating || rec.state === 'stopping') return settleStop(s, rec);
  if (rec.pid === undefined) return launchProcess(s, rec);
  if (s.launcher.isAlive(rec.pid, rec.id)) return markRunning(s, rec);
  return onDeath(s, rec, rec.pid);
}

async function markRunning(s: LocalState, rec: InstanceRecord): Promise<void> {
  const lifecycleState = rec.lifecycleState === 'Pending' ? 'InService' : rec.lifecycleState;
  const health = rec.lifecycleState ? 'Healthy' : undefined;
  if (rec.state === 'running' && rec.lifecycleState === lifecycleState && rec.health === health) return;
  patch(rec, { state: 'running', lifecycleState, health });
  await s.disk.saveInstance(rec);
}

/** A process that ended without EM stopping it: the instance is gone, as a crashed machine would be. */
async function onDeath(s: LocalState, rec: InstanceRecord, pid: number): Promise<void> {
  const group = rec.group === undefined ? undefined : s.groups.get(rec.group);
  if (group && isCounted(rec)) {
    if (isSuspended(group, 'HealthCheck')) return;
    if (isSuspended(group, 'ReplaceUnhealthy') || isSuspended(group, 'Terminate')) {
      if (rec.health === 'Unhealthy') return;
      patch(rec, { health: 'Unhealthy', stateReason: 'its process exited without being stopped' });
      return s.disk.saveInstance(rec);
    }
  }
  ensureStopping(s, rec.id, pid); // ends what the dead process started and left behind
  await finishTermination(s, rec, 'its process exited without being stopped');
}

/** Moves a stopping or terminating instance on: asks its process to end, or records the end once it is gone. */
export async function settleStop(s: LocalState, rec: InstanceRecord): Promise<void> {
  if (rec.pid !== undefined && s.launcher.isAlive(rec.pid, rec.id)) return ensureStopping(s, rec.id, rec.pid);
  if (rec.terminating) return finishTermination(s, rec);
  patch(rec, { state: 'stopped', pid: undefined });
  await s.disk.saveInstance(rec);
}

/** Marks an instance for termination and starts ending its process; members leave the count at once. */
export async function requestTermination(s: LocalState, rec: InstanceRecord): Promise<void> {
  rec.terminating = true;
  if (rec.lifecycleState) rec.lifecycleState = 'Terminating';
  await s.disk.saveInstance(rec);
  await settleStop(s, rec);
}

function ensureStopping(s: LocalState, id: string, pid: number): void {
  if (s.stops.has(id)) return;
  const stop = s.launcher
    .stop(pid, id)
    .catch((err: unknown) => s.onError(err))
    .finally(() => {
      s.stops.delete(id);
      s.nudge();
    });
  s.stops.set(id, stop);
}

async function finishTermination(s: LocalState, rec: InstanceRecord, reason?: string): Promise<void> {
  patch(rec, {
    state: 'terminated',
    pid: undefined,
    terminating: undefined,
    lifecycleState: undefined,
    health: undefined,
    terminatedTime: isoNow(s),
    ...(reason ? { stateReason: reason } : {}),
  });
  await s.disk.saveInstance(rec);
  // best effort, outside the pass: a failure is reported and does not hold the group back
  s.onTerminated?.({ id: rec.id, dir: s.disk.instanceDir(rec.id) }).catch((err: unknown) => s.onError(err));
}

async function launchProcess(s: LocalState, rec: InstanceRecord): Promise<void> {
  const dir = s.disk.instanceDir(rec.id);
  try {
    const { pid } = await s.launcher.start({ id: rec.id, dir, tags: { ...rec.tags }, env: instanceEnvironment(rec, dir) });
    patch(rec, { pid, stateReason: undefined });
    if (rec.group) s.launchFailures.delete(rec.group);
    await s.disk.saveInstance(rec);
    s.nudge(); // the next pass sees it alive and marks it running
  } catch (err) {
    s.onError(err);
    if (rec.group) noteLaunchFailure(s, rec.group);
    const reason = `launch failed: ${err instanceof Error ? err.message : String(err)}`;
    // A counted member is replaced by its group; any other instance stays, stopped, for the operator to look at.
    if (isCounted(rec)) return finishTermination(s, rec, reason);
    patch(rec, { state: 'stopped', stateReason: reason });
    await s.disk.saveInstance(rec);
  }
}

function noteLaunchFailure(s: LocalState, group: string): void {
  const count = (s.launchFailures.get(group)?.count ?? 0) + 1;
  const delayMs = Math.min(1000 * 2 ** (count - 1), MAX_LAUNCH_BACKOFF_MS);
  s.launchFailures.set(group, { count, notBefore: s.clock.now() + delayMs });
}

/** After a failed launch a group waits 1 s, 2 s, 4 s… (at most a minute) before launching again. */
function isBackingOff(s: LocalState, group: string): boolean {
  const failures = s.launchFailures.get(group);
  return failures !== undefined && s.clock.now() < failures.notBefore;
}

async function scale(s: LocalState, group: GroupRecord): Promise<void> {
  const members = [...s.instances.values()].filter((r) => r.group === group.name && isCounted(r));
  const short = group.size.desired - members.length;
  if (short > 0 && !isSuspended(group, 'Launch')) {
    for (let i = 0; i < short && !isBackingOff(s, group.name); i++) await launchNew(s, group);
  }
  if (short < 0 && !isSuspended(group, 'Terminate')) {
    for (const victim of pickSurplus(members, -short)) await requestTermination(s, victim);
  }
}

async function launchNew(s: LocalState, group: GroupRecord): Promise<void> {
  const servicePorts = await allocatePorts(s.ports, heldPorts(s), s.portProbe);
  if (!servicePorts) {
    const { first, last } = s.ports.range;
    throw new DependencyUnavailableError(
      `no free block of ${s.ports.perInstance} loopback ports left in ${first}-${last} for group '${group.name}'; terminate instances or widen the port range`,
      { group: group.name },
    );
  }
  const id = newInstanceId(s);
  const rec: InstanceRecord = {
    id,
    tags: { ...group.tags, Name: `${group.instanceNamePrefix ?? group.name}-${id.slice(2)}` },
    state: 'pending',
    group: group.name,
    lifecycleState: 'Pending',
    health: 'Healthy',
    launchTime: isoNow(s),
    privateAddress: LOOPBACK,
    servicePorts,
  };
  await s.disk.createInstance(rec);
  s.instances.set(id, rec);
  await launchProcess(s, rec);
}

/** Ports of every instance that still exists; a terminated instance's block is free again. */
const heldPorts = (s: LocalState): PortRange[] =>
  [...s.instances.values()].filter((r) => r.state !== 'terminated').map((r) => r.servicePorts);

/** `i-` and 17 hex digits, like the ids of EC2, and unique among the instances on record. */
function newInstanceId(s: LocalState): string {
  for (;;) {
    const id = `i-${randomBytes(9).toString('hex').slice(0, 17)}`;
    if (!s.instances.has(id)) return id;
  }
}

async function purge(s: LocalState): Promise<void> {
  const cutoff = s.clock.now() - s.terminatedRetentionMs;
  for (const rec of [...s.instances.values()]) {
    if (rec.state !== 'terminated' || !rec.terminatedTime || Date.parse(rec.terminatedTime) > cutoff) continue;
    s.instances.delete(rec.id);
    await s.disk.removeInstance(rec.id);
  }
}
