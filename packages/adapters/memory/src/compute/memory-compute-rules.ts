import { ValidationError, type FieldProblem } from '@envmgr/domain';
import type { Group, GroupSize, GroupUpdate, HealthStatus, Instance, InstanceState, LifecycleState, TagFilters, Tags } from '@envmgr/ports';

/** An instance as the memory compute keeps it. */
export interface InstanceRecord {
  id: string;
  tags: Tags;
  state: InstanceState;
  group?: string | undefined;
  lifecycleState?: LifecycleState | undefined;
  health?: HealthStatus | undefined;
  /** ISO 8601 UTC of the last launch or start. */
  launchTime: string;
  privateAddress: string;
  /** Termination was asked for; the next pass completes it. */
  terminating?: boolean | undefined;
  /** The machine died without being stopped (`kill`); the next pass notices, unless health checks are suspended. */
  dead?: boolean | undefined;
  /** Clock time of the termination, for purging. */
  terminatedAt?: number | undefined;
}

/** Pending and InService members count toward the desired size; Standby and Terminating ones do not. */
export const isCounted = (rec: InstanceRecord): boolean => rec.lifecycleState === 'Pending' || rec.lifecycleState === 'InService';

export function toInstance(rec: InstanceRecord): Instance {
  return {
    id: rec.id,
    name: rec.tags.Name ?? rec.id,
    tags: { ...rec.tags },
    state: rec.state,
    privateAddress: rec.privateAddress,
    group: rec.group,
    lifecycleState: rec.lifecycleState,
    health: rec.health,
    launchTime: rec.launchTime,
  };
}

export const toGroup = (g: Group): Group => structuredClone(g);

export function matchesTags(tags: Tags, filters: TagFilters | undefined): boolean {
  if (!filters) return true;
  return Object.entries(filters).every(([name, wanted]) => {
    const value = tags[name];
    return value !== undefined && (typeof wanted === 'string' ? value === wanted : wanted.includes(value));
  });
}

/** Problems with a group name: 1–255 characters, no control characters. */
export function nameProblems(name: string): FieldProblem[] {
  if (name.length === 0 || name.length > 255) return [{ path: 'name', message: `must be 1 to 255 characters long, got ${name.length}` }];
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u001f\u007f]/.test(name)) return [{ path: 'name', message: `must not contain control characters, got ${JSON.stringify(name)}` }];
  return [];
}

/** Problems with a size: whole numbers with `0 <= min <= desired <= max`. */
export function sizeProblems(size: GroupSize): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const key of ['min', 'desired', 'max'] as const) {
    const n = size[key];
    if (!Number.isInteger(n) || n < 0) problems.push({ path: `size.${key}`, message: `must be a whole number of at least 0, got ${n}` });
  }
  if (problems.length > 0) return problems;
  if (size.min > size.max) return [{ path: 'size.min', message: `min ${size.min} is above max ${size.max}; lower min or raise max` }];
  if (size.desired < size.min || size.desired > size.max) {
    return [{ path: 'size.desired', message: `desired ${size.desired} is outside min ${size.min} and max ${size.max}; pick a value in between or change the bounds first` }];
  }
  return [];
}

export function assertValid(problems: FieldProblem[]): void {
  if (problems.length > 0) throw new ValidationError(problems);
}

/** The size after an update; an omitted desired size moves to the nearest new bound when they exclude it. */
export function nextSize(current: GroupSize, change: GroupUpdate['size'] = {}): GroupSize {
  const min = change.min ?? current.min;
  const max = change.max ?? current.max;
  const desired = change.desired ?? Math.min(Math.max(current.desired, min), max);
  return { min, desired, max };
}

/** Which counted members go when a group is `n` over: unhealthy first, then Pending, then the newest. */
export function pickSurplus(members: readonly InstanceRecord[], n: number): InstanceRecord[] {
  const rank = (r: InstanceRecord): number => (r.health === 'Unhealthy' ? 0 : r.lifecycleState === 'Pending' ? 1 : 2);
  return [...members]
    .sort((a, b) => rank(a) - rank(b) || b.launchTime.localeCompare(a.launchTime) || b.id.localeCompare(a.id))
    .slice(0, Math.max(0, n));
}

/** Refuses a change of desired size by `delta` that leaves `[min, max]`; `why` names the operation. */
export function checkDesiredChange(group: Group, delta: number, why: string): void {
  const desired = group.size.desired + delta;
  if (desired < group.size.min) {
    throw new ValidationError([{ path: 'instanceIds', message: `${why} would take the desired size of group '${group.name}' to ${desired}, below its minimum ${group.size.min}; lower the minimum first, or keep the desired size` }]);
  }
  if (desired > group.size.max) {
    throw new ValidationError([{ path: 'instanceIds', message: `${why} would take the desired size of group '${group.name}' to ${desired}, above its maximum ${group.size.max}; raise the maximum first` }]);
  }
}

export function describeState(rec: InstanceRecord): string {
  if (rec.terminating) return 'being terminated';
  if (rec.group === undefined || rec.lifecycleState === undefined) return rec.state;
  return `${rec.state} and ${rec.lifecycleState} in group '${rec.group}'`;
}
