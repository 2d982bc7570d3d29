import { AlreadyExistsError, GroupNotEmptyError, NotFoundError, ValidationError } from '@envmgr/domain';
import { SCALING_PROCESSES, type Clock, type Compute, type Group, type GroupSpec, type ScalingProcess } from '@envmgr/ports';
import { assertValid, matchesTags, nameProblems, nextSize, sizeProblems, toGroup, toInstance } from './memory-compute-rules.js';
import { convergeOnce, isoNow, requestTermination, type MemoryState } from './memory-convergence.js';
import * as ops from './memory-instance-operations.js';

export interface MemoryComputeOptions {
  /** Launch times, terminations and purging follow it. @default the system clock */
  clock?: Clock;
  /**
   * Converge by itself, one pass per timer tick after every change, as the port requires. With `false` nothing
   * moves until a test calls `step()` or `settle()` (to look at instances while they are Pending, say).
   * @default true
   */
  autoConverge?: boolean;
  /** How long a terminated instance stays listed before it is forgotten. @default 3_600_000 (1 h) */
  terminatedRetentionMs?: number;
}

/** The memory Compute, plus hooks for tests. */
export interface MemoryCompute extends Compute {
  /** Runs convergence passes until nothing changes: every group at its size, every instance settled. */
  settle(): Promise<void>;
  /** Runs one convergence pass now; returns whether it changed anything. */
  step(): boolean;
  /**
   * The machine dies without being stopped, as a crashed host would: the next pass terminates it and its group
   * replaces it (unless `HealthCheck` is suspended; with `ReplaceUnhealthy` or `Terminate` suspended it is only
   * marked Unhealthy). Only pending and running instances can die; for others it does nothing.
   * Throws `NotFoundError` for an unknown id.
   */
  kill(instanceId: string): void;
}

/**
 * Compute without machines, for fast app and HTTP tests: groups and instances are records in memory that converge
 * by themselves a tick after every change (pending → running and InService, launches and terminations to the desired
 * size, dead instances replaced). Instances get ids `i-0e…` (17 hex digits, sequential), addresses `10.0.x.y`, the
 * group's tags and a `Name` tag. It passes `computeContract`; the local adapter stays the real one.
 */
export function createMemoryCompute(opts: MemoryComputeOptions = {}): MemoryCompute {
  const s: MemoryState = {
    clock: opts.clock ?? { now: () => Date.now() },
    groups: new Map(),
    instances: new Map(),
    launched: 0,
    terminatedRetentionMs: opts.terminatedRetentionMs ?? 3_600_000,
  };
  const auto = opts.autoConverge ?? true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const nudge = (): void => {
    if (!auto || closed || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (convergeOnce(s)) nudge();
    }, 0);
    timer.unref?.();
  };
  /** Runs a change and, when it returns, schedules convergence. Errors reject the promise, as the port's do. */
  const change = async <T>(fn: () => T): Promise<T> => {
    const result = fn();
    nudge();
    return result;
  };
  const mustGetGroup = (name: string): Group => {
    const g = s.groups.get(name);
    if (!g) throw new NotFoundError('group', name);
    return g;
  };

  return {
    async settle() {
      for (let i = 0; i < 1000 && convergeOnce(s); i++) {
        // each pass moves every instance one step; a few passes settle everything
      }
    },
    step: () => convergeOnce(s),
    kill(instanceId) {
      const [rec] = ops.instancesOf(s, [instanceId]);
      if (rec && (rec.state === 'pending' || rec.state === 'running')) rec.dead = true;
      nudge();
    },
    createGroup: (spec) => change(() => createGroup(s, spec)),
    updateGroup: (name, changes) =>
      change(() => {
        const g = mustGetGroup(name);
        const size = nextSize(g.size, changes.size);
        assertValid(sizeProblems(size));
        g.size = size;
        if (changes.tags) g.tags = { ...changes.tags };
        return toGroup(g);
      }),
    deleteGroup: (name, options) =>
      change(() => {
        mustGetGroup(name);
        const left = [...s.instances.values()].filter((r) => r.group === name && r.state !== 'terminated');
        if (left.length > 0 && !options?.force) throw new GroupNotEmptyError(name, left.map((r) => r.id));
        for (const rec of left) if (!rec.terminating) requestTermination(rec);
        s.groups.delete(name);
      }),
    setDesiredCapacity: (name, desired) =>
      change(() => {
        const g = mustGetGroup(name);
        const size = { ...g.size, desired };
        assertValid(sizeProblems(size));
        g.size = size;
        return toGroup(g);
      }),
    enterStandby: (ids, decrementDesired = true) => change(() => ops.enterStandby(s, ids, decrementDesired)),
    exitStandby: (ids) => change(() => ops.exitStandby(s, ids)),
    listGroups: async (query = {}) =>
      [...s.groups.values()]
        .filter((g) => matchesTags(g.tags, query.tagFilters))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map(toGroup),
    getGroup: async (name) => {
      const g = s.groups.get(name);
      return g && toGroup(g);
    },
    listInstances: async (query = {}) => {
      const states = query.states ?? ['pending', 'running', 'stopping', 'stopped'];
      return [...s.instances.values()]
        .filter((r) => states.includes(r.state) && (query.group === undefined || r.group === query.group) && matchesTags(r.tags, query.tagFilters))
        .sort((a, b) => a.launchTime.localeCompare(b.launchTime) || a.id.localeCompare(b.id))
        .map(toInstance);
    },
    getInstance: async (id) => {
      const rec = s.instances.get(id);
      return rec && toInstance(rec);
    },
    startInstances: (ids) => change(() => ops.startInstances(s, ids)),
    stopInstances: (ids) => change(() => ops.stopInstances(s, ids)),
    terminateInstances: (ids, options) => change(() => ops.terminateInstances(s, ids, options)),
    setInstanceTags: (ids, tags) => change(() => ops.setInstanceTags(s, ids, tags)),
    suspendProcesses: (name, processes) => change(() => setSuspended(mustGetGroup(name), processes, true)),
    resumeProcesses: (name, processes) => change(() => setSuspended(mustGetGroup(name), processes, false)),
    async close() {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

function createGroup(s: MemoryState, spec: GroupSpec): Group {
  assertValid([...nameProblems(spec.name), ...sizeProblems(spec.size)]);
  if (s.groups.has(spec.name)) throw new AlreadyExistsError('group', spec.name);
  const group: Group = {
    name: spec.name,
    tags: { ...spec.tags },
    size: { ...spec.size },
    launch: structuredClone(spec.launch),
    ...(spec.instanceNamePrefix === undefined ? {} : { instanceNamePrefix: spec.instanceNamePrefix }),
    suspendedProcesses: [],
    createdTime: isoNow(s),
  };
  s.groups.set(spec.name, group);
  return toGroup(group);
}

function setSuspended(g: Group, processes: readonly ScalingProcess[] | undefined, suspend: boolean): Group {
  const wanted = processes ?? SCALING_PROCESSES;
  const unknown = wanted.filter((p) => !SCALING_PROCESSES.includes(p));
  if (unknown.length > 0) {
    throw new ValidationError([{ path: 'processes', message: `unknown process(es) ${unknown.join(', ')}; use ${SCALING_PROCESSES.join(', ')}` }]);
  }
  const isSuspendedAfter = (p: ScalingProcess): boolean => (wanted.includes(p) ? suspend : g.suspendedProcesses.includes(p));
  g.suspendedProcesses = SCALING_PROCESSES.filter(isSuspendedAfter);
  return toGroup(g);
}
