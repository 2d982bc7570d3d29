/**
 * Rules of the Compute port that every adapter applies the same way (the contract suite checks them): group names
 * and sizes, how an update moves the desired size, tag filters, which members a shrinking group gives up.
 */
import { ValidationError, type FieldProblem } from '@envmgr/domain';
import type { GroupSize, GroupUpdate, HealthStatus, LifecycleState, TagFilters, Tags } from './compute.js';

/** Problems with a group name: 1–255 characters, no control characters. */
export function groupNameProblems(name: string): FieldProblem[] {
  if (name.length === 0 || name.length > 255) return [{ path: 'name', message: `must be 1 to 255 characters long, got ${name.length}` }];
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u001f\u007f]/.test(name)) return [{ path: 'name', message: `must not contain control characters, got ${JSON.stringify(name)}` }];
  return [];
}

/** Problems with a size: whole numbers with `0 <= min <= desired <= max`. */
export function groupSizeProblems(size: GroupSize): FieldProblem[] {
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

export function assertNoProblems(problems: FieldProblem[]): void {
  if (problems.length > 0) throw new ValidationError(problems);
}

/** The size after an update; an omitted desired size moves to the nearest new bound when they exclude it. */
export function nextGroupSize(current: GroupSize, change: GroupUpdate['size'] = {}): GroupSize {
  const min = change.min ?? current.min;
  const max = change.max ?? current.max;
  const desired = change.desired ?? Math.min(Math.max(current.desired, min), max);
  return { min, desired, max };
}

/** Whether tags meet every filter: each named tag present with one of the given values (exact, case included). */
export function matchesTagFilters(tags: Tags, filters: TagFilters | undefined): boolean {
  if (!filters) return true;
  return Object.entries(filters).every(([name, wanted]) => {
    const value = tags[name];
    return value !== undefined && (typeof wanted === 'string' ? value === wanted : wanted.includes(value));
  });
}

/** What `pickSurplus` needs of a member. */
export interface SurplusCandidate {
  id: string;
  launchTime: string;
  health?: HealthStatus | undefined;
  lifecycleState?: LifecycleState | undefined;
}

/**
 * Which counted members to terminate when a group is `n` over its desired size: unhealthy ones first, then those
 * still Pending, then the most recently launched (they are the least likely to have been deployed to yet).
 */
export function pickSurplus<M extends SurplusCandidate>(members: readonly M[], n: number): M[] {
  const rank = (r: M): number => (r.health === 'Unhealthy' ? 0 : r.lifecycleState === 'Pending' ? 1 : 2);
  return [...members]
    .sort((a, b) => rank(a) - rank(b) || b.launchTime.localeCompare(a.launchTime) || b.id.localeCompare(a.id))
    .slice(0, Math.max(0, n));
}

/** Refuses a change of desired size by `delta` that leaves `[min, max]`; `why` names the operation. */
export function checkDesiredChange(group: { name: string; size: GroupSize }, delta: number, why: string): void {
  const desired = group.size.desired + delta;
  if (desired < group.size.min) {
    throw new ValidationError([{ path: 'instanceIds', message: `${why} would take the desired size of group '${group.name}' to ${desired}, below its minimum ${group.size.min}; lower the minimum first, or keep the desired size` }]);
  }
  if (desired > group.size.max) {
    throw new ValidationError([{ path: 'instanceIds', message: `${why} would take the desired size of group '${group.name}' to ${desired}, above its maximum ${group.size.max}; raise the maximum first` }]);
  }
}
