import type { Group, HealthStatus, Instance, InstanceState, LifecycleState, Tags } from '@envmgr/ports';

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

export function describeState(rec: InstanceRecord): string {
  if (rec.terminating) return 'being terminated';
  if (rec.group === undefined || rec.lifecycleState === undefined) return rec.state;
  return `${rec.state} and ${rec.lifecycleState} in group '${rec.group}'`;
}

// The Compute port's shared rules, under the names this adapter uses.
export {
  matchesTagFilters as matchesTags,
  groupNameProblems as nameProblems,
  groupSizeProblems as sizeProblems,
  assertNoProblems as assertValid,
  nextGroupSize as nextSize,
  pickSurplus,
  checkDesiredChange,
} from '@envmgr/ports';
