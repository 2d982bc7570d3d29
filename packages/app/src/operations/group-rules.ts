import { ValidationError, type FieldProblem } from '@envmgr/domain';
import type { Group, GroupSize, Instance, LifecycleState } from '@envmgr/ports';

/** A group with its members that are not terminated, in launch order. */
export interface GroupWithMembers {
  group: Group;
  members: Instance[];
}

const isCounted = (i: Instance): boolean => i.lifecycleState === 'Pending' || i.lifecycleState === 'InService';
const isServing = (i: Instance): boolean => i.lifecycleState === 'InService' && i.state === 'running';

/** Members by lifecycle state. */
export function lifecycleCounts(members: readonly Instance[]): Record<LifecycleState, number> {
  const counts: Record<LifecycleState, number> = { Pending: 0, InService: 0, Standby: 0, Terminating: 0 };
  for (const m of members) if (m.lifecycleState) counts[m.lifecycleState] += 1;
  return counts;
}

export interface GroupReadiness {
  name: string;
  /** As many counted members as desired, and every one of them InService and running. */
  ready: boolean;
  desired: number;
  /** Pending and InService members. */
  counted: number;
  /** Counted members that are InService and running. */
  inService: number;
  /** Why it is not ready, one line each; empty when ready. */
  reasons: string[];
}

/**
 * Whether a group is ready (EM's `/asgs/{name}/ready`): every counted member is InService and running, and there are
 * as many of them as desired. A group still short of instances is not ready, even when those it has all serve.
 */
export function readinessOf({ group, members }: GroupWithMembers): GroupReadiness {
  const counted = members.filter(isCounted);
  const reasons: string[] = [];
  const short = group.size.desired - counted.length;
  if (short > 0) reasons.push(`${short} of ${group.size.desired} desired instance(s) not launched yet`);
  if (short < 0) reasons.push(`${-short} instance(s) above the desired size of ${group.size.desired}, not terminated yet`);
  for (const m of counted) if (!isServing(m)) reasons.push(`instance ${m.id} is ${m.state} and ${m.lifecycleState ?? 'not a member'}`);
  return { name: group.name, ready: reasons.length === 0, desired: group.size.desired, counted: counted.length, inService: counted.filter(isServing).length, reasons };
}

/**
 * The size a resize leads to, checked with the request's field names (`min`, `desired`, `max`): omitted fields keep
 * their value, except an omitted `desired`, which moves to the nearest new bound when the new bounds exclude it (the
 * Compute port's rule). Throws ValidationError listing what is wrong and what the group's size is now.
 */
export function sizeAfter(current: GroupSize, change: Partial<GroupSize>): GroupSize {
  const min = change.min ?? current.min;
  const max = change.max ?? current.max;
  const desired = change.desired ?? Math.min(Math.max(current.desired, min), max);
  const now = `the group is now min ${current.min}, desired ${current.desired}, max ${current.max}`;
  const problems: FieldProblem[] = [];
  if (min > max) problems.push({ path: change.min !== undefined ? 'min' : 'max', message: `min ${min} would be above max ${max}; ${now}` });
  else if (desired < min || desired > max) {
    problems.push({ path: 'desired', message: `desired ${desired} would be outside min ${min} and max ${max}; ${now}` });
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return { min, desired, max };
}
