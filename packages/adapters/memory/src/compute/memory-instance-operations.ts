import { InstanceStateError, NotFoundError, ValidationError } from '@envmgr/domain';
import type { Group, Instance, TerminateOptions } from '@envmgr/ports';
import { checkDesiredChange, describeState, isCounted, toInstance, type InstanceRecord } from './memory-compute-rules.js';
import { isoNow, requestTermination, type MemoryState } from './memory-convergence.js';

// Each operation checks every instance first and throws before changing anything (the port's all-or-nothing rule).

export function enterStandby(s: MemoryState, ids: readonly string[], decrementDesired: boolean): Instance[] {
  const recs = instancesOf(s, ids);
  const groups = recs.map((rec) => {
    const group = groupOf(s, rec);
    if (!group || rec.lifecycleState !== 'InService') throw new InstanceStateError(rec.id, describeState(rec), 'only InService members of a group can enter standby');
    return group;
  });
  if (decrementDesired) changeDesired(groups, -1, 'putting these instances in standby');
  for (const rec of recs) rec.lifecycleState = 'Standby';
  return recs.map(toInstance);
}

export function exitStandby(s: MemoryState, ids: readonly string[]): Instance[] {
  const recs = instancesOf(s, ids);
  const groups = recs.map((rec) => {
    const group = groupOf(s, rec);
    if (!group || rec.lifecycleState !== 'Standby') throw new InstanceStateError(rec.id, describeState(rec), 'only Standby members of a group can exit standby');
    if (rec.state !== 'pending' && rec.state !== 'running') throw new InstanceStateError(rec.id, describeState(rec), 'start it first');
    return group;
  });
  changeDesired(groups, +1, 'bringing these instances back into service');
  for (const rec of recs) rec.lifecycleState = rec.state === 'running' ? 'InService' : 'Pending';
  return recs.map(toInstance);
}

export function startInstances(s: MemoryState, ids: readonly string[]): Instance[] {
  const recs = instancesOf(s, ids);
  for (const rec of recs) {
    if (rec.terminating || rec.state === 'terminated') throw new InstanceStateError(rec.id, describeState(rec), 'a terminated instance cannot start again; launch a new one');
    if (rec.state === 'stopping') throw new InstanceStateError(rec.id, describeState(rec), 'wait until it has stopped, then start it');
  }
  for (const rec of recs.filter((r) => r.state === 'stopped')) Object.assign(rec, { state: 'pending', dead: undefined, launchTime: isoNow(s) });
  return recs.map(toInstance);
}

export function stopInstances(s: MemoryState, ids: readonly string[]): Instance[] {
  const recs = instancesOf(s, ids);
  for (const rec of recs) {
    if (rec.terminating || rec.state === 'terminated') throw new InstanceStateError(rec.id, describeState(rec), 'a terminated instance cannot be stopped');
    if (isCounted(rec) && groupOf(s, rec)) {
      throw new InstanceStateError(rec.id, describeState(rec), 'put it in standby first (enterStandby), or its group would replace it');
    }
  }
  for (const rec of recs.filter((r) => r.state === 'pending' || r.state === 'running')) rec.state = 'stopping';
  return recs.map(toInstance);
}

export function terminateInstances(s: MemoryState, ids: readonly string[], options: TerminateOptions = {}): Instance[] {
  const recs = instancesOf(s, ids).filter((rec) => rec.state !== 'terminated' && !rec.terminating);
  if (options.decrementDesired) {
    const groups = recs.filter(isCounted).flatMap((rec) => groupOf(s, rec) ?? []);
    changeDesired(groups, -1, 'terminating these instances with decrementDesired');
  }
  for (const rec of recs) requestTermination(rec);
  return instancesOf(s, ids).map(toInstance);
}

export function setInstanceTags(s: MemoryState, ids: readonly string[], tags: Readonly<Record<string, string | null>>): void {
  const recs = instancesOf(s, ids);
  if (Object.keys(tags).some((name) => name.trim() === '')) throw new ValidationError([{ path: 'tags', message: 'a tag name must not be empty' }]);
  for (const rec of recs) {
    for (const [name, value] of Object.entries(tags)) {
      if (value === null) delete rec.tags[name];
      else rec.tags[name] = value;
    }
  }
}

/** The records of the given ids (duplicates once, in order); `NotFoundError` for the first unknown id. */
export function instancesOf(s: MemoryState, ids: readonly string[]): InstanceRecord[] {
  return [...new Set(ids)].map((id) => {
    const rec = s.instances.get(id);
    if (!rec) throw new NotFoundError('instance', id);
    return rec;
  });
}

const groupOf = (s: MemoryState, rec: InstanceRecord): Group | undefined => (rec.group === undefined ? undefined : s.groups.get(rec.group));

/** Moves each group's desired size by `step` per occurrence in `groups`, after checking every group's bounds. */
function changeDesired(groups: readonly Group[], step: number, why: string): void {
  const deltas = new Map<Group, number>();
  for (const g of groups) deltas.set(g, (deltas.get(g) ?? 0) + step);
  for (const [g, delta] of deltas) checkDesiredChange(g, delta, why);
  for (const [g, delta] of deltas) g.size.desired += delta;
}
