import { InstanceStateError, NotFoundError, ValidationError } from '@envmgr/domain';
import type { Instance, TerminateOptions } from '@envmgr/ports';
import { checkDesiredChange } from './group-rules.js';
import { isoNow, requestTermination, settleStop, type LocalState } from './reconciler.js';
import { isCounted, toInstance, type GroupRecord, type InstanceRecord } from './records.js';

// Each operation checks every instance first and throws before changing anything (the port's all-or-nothing rule).

export async function enterStandby(s: LocalState, ids: readonly string[], decrementDesired: boolean): Promise<Instance[]> {
  const recs = instancesOf(s, ids);
  const groups = recs.map((rec) => {
    const group = groupOf(s, rec);
    if (!group || rec.lifecycleState !== 'InService') {
      throw new InstanceStateError(rec.id, describe(rec), 'only InService members of a group can enter standby');
    }
    return group;
  });
  if (decrementDesired) await changeDesired(s, groups, -1, 'putting these instances in standby');
  for (const rec of recs) rec.lifecycleState = 'Standby';
  return saveAll(s, recs);
}

export async function exitStandby(s: LocalState, ids: readonly string[]): Promise<Instance[]> {
  const recs = instancesOf(s, ids);
  const groups = recs.map((rec) => {
    const group = groupOf(s, rec);
    if (!group || rec.lifecycleState !== 'Standby') {
      throw new InstanceStateError(rec.id, describe(rec), 'only Standby members of a group can exit standby');
    }
    if (rec.state !== 'pending' && rec.state !== 'running') throw new InstanceStateError(rec.id, describe(rec), 'start it first');
    return group;
  });
  await changeDesired(s, groups, +1, 'bringing these instances back into service');
  for (const rec of recs) rec.lifecycleState = rec.state === 'running' ? 'InService' : 'Pending';
  return saveAll(s, recs);
}

export async function startInstances(s: LocalState, ids: readonly string[]): Promise<Instance[]> {
  const recs = instancesOf(s, ids);
  for (const rec of recs) {
    if (rec.terminating || rec.state === 'terminated') throw new InstanceStateError(rec.id, describe(rec), 'a terminated instance cannot start again; launch a new one');
    if (rec.state === 'stopping') throw new InstanceStateError(rec.id, describe(rec), 'wait until it has stopped, then start it');
  }
  const stopped = recs.filter((rec) => rec.state === 'stopped');
  // Same id, folder and ports; the next pass starts the process again.
  for (const rec of stopped) Object.assign(rec, { state: 'pending', pid: undefined, launchTime: isoNow(s), stateReason: undefined });
  await saveAll(s, stopped);
  s.nudge();
  return recs.map(toInstance);
}

export async function stopInstances(s: LocalState, ids: readonly string[]): Promise<Instance[]> {
  const recs = instancesOf(s, ids);
  for (const rec of recs) {
    if (rec.terminating || rec.state === 'terminated') throw new InstanceStateError(rec.id, describe(rec), 'a terminated instance cannot be stopped');
    if (isCounted(rec) && groupOf(s, rec)) {
      throw new InstanceStateError(rec.id, describe(rec), 'put it in standby first (enterStandby), or its group would replace it');
    }
  }
  const running = recs.filter((rec) => rec.state === 'pending' || rec.state === 'running');
  for (const rec of running) rec.state = 'stopping';
  await saveAll(s, running);
  for (const rec of running) await settleStop(s, rec);
  return recs.map(toInstance);
}

export async function terminateInstances(s: LocalState, ids: readonly string[], options: TerminateOptions = {}): Promise<Instance[]> {
  const recs = instancesOf(s, ids).filter((rec) => rec.state !== 'terminated' && !rec.terminating);
  if (options.decrementDesired) {
    const groups = recs.filter(isCounted).flatMap((rec) => groupOf(s, rec) ?? []);
    await changeDesired(s, groups, -1, 'terminating these instances with decrementDesired');
  }
  for (const rec of recs) await requestTermination(s, rec);
  s.nudge();
  return instancesOf(s, ids).map(toInstance);
}

export async function setInstanceTags(s: LocalState, ids: readonly string[], tags: Readonly<Record<string, string | null>>): Promise<void> {
  const recs = instancesOf(s, ids);
  const empty = Object.keys(tags).some((name) => name.trim() === '');
  if (empty) throw new ValidationError([{ path: 'tags', message: 'a tag name must not be empty' }]);
  for (const rec of recs) {
    for (const [name, value] of Object.entries(tags)) {
      if (value === null) delete rec.tags[name];
      else rec.tags[name] = value;
    }
  }
  await saveAll(s, recs);
}

/** The records of the given ids (duplicates once, in order); `NotFoundError` for the first unknown id. */
export function instancesOf(s: LocalState, ids: readonly string[]): InstanceRecord[] {
  return [...new Set(ids)].map((id) => {
    const rec = s.instances.get(id);
    if (!rec) throw new NotFoundError('instance', id);
    return rec;
  });
}

const groupOf = (s: LocalState, rec: InstanceRecord): GroupRecord | undefined => (rec.group === undefined ? undefined : s.groups.get(rec.group));

/** Moves each group's desired size by `step` per occurrence in `groups`, after checking every group's bounds. */
async function changeDesired(s: LocalState, groups: readonly GroupRecord[], step: number, why: string): Promise<void> {
  const deltas = new Map<GroupRecord, number>();
  for (const g of groups) deltas.set(g, (deltas.get(g) ?? 0) + step);
  for (const [g, delta] of deltas) checkDesiredChange(g, delta, why);
  for (const [g, delta] of deltas) {
    g.size.desired += delta;
    await s.disk.saveGroup(g);
  }
}

async function saveAll(s: LocalState, recs: readonly InstanceRecord[]): Promise<Instance[]> {
  for (const rec of recs) await s.disk.saveInstance(rec);
  return recs.map(toInstance);
}

function describe(rec: InstanceRecord): string {
  if (rec.terminating) return 'being terminated';
  if (rec.group === undefined || rec.lifecycleState === undefined) return rec.state;
  return `${rec.state} and ${rec.lifecycleState} in group '${rec.group}'`;
}
