import { AlreadyExistsError, GroupNotEmptyError, NotFoundError, ValidationError } from '@envmgr/domain';
import { SCALING_PROCESSES, type Clock, type Compute, type Group, type ScalingProcess } from '@envmgr/ports';
import { createDisk } from './disk.js';
import { assertValid, nameProblems, nextSize, sizeProblems } from './group-rules.js';
import * as ops from './instance-operations.js';
import { DEFAULT_PORT_POOL, type PortPoolOptions } from './port-pool.js';
import type { InstanceLauncher } from './process-launcher.js';
import { isoNow, reconcilePass, requestTermination, type LocalState } from './reconciler.js';
import { matchesTags, toGroup, toInstance, type GroupRecord } from './records.js';
import { createSerial } from './serial.js';

export interface LocalComputeOptions {
  /** Folder that holds `groups/` and `instances/<id>/` (created when missing). One EM process per root. */
  root: string;
  /** Starts and ends the process of each instance (`createProcessLauncher` for the deployment agent). */
  launcher: InstanceLauncher;
  /** @default the system clock */
  clock?: Clock;
  /** Time between reconcile passes; a pass also runs right after every change. @default 1000 */
  reconcileIntervalMs?: number;
  /** Loopback ports handed out to instances. @default 41000–49999 in blocks of 20 */
  ports?: Partial<PortPoolOptions>;
  /** How long a terminated instance stays listed, its folder kept, before it is purged. @default 3_600_000 (1 h) */
  terminatedRetentionMs?: number;
  /**
   * Called once an instance is terminated (its process gone), so the composition root can clean up what the
   * instance left outside its process: registrations in the registry, services its agent started detached.
   */
  onInstanceTerminated?: (instance: { id: string; dir: string }) => Promise<void>;
  /** Receives failures of background passes (each is retried on the next pass). @default logs with console.error */
  onError?: (error: unknown) => void;
}

/** The local Compute, plus what its tests and the composition root need. */
export interface LocalCompute extends Compute {
  /** Runs one reconcile pass now (after any operation in progress) and resolves when it is done. */
  reconcile(): Promise<void>;
}

/**
 * Compute on this machine: an instance is a folder `<root>/instances/<id>` with its record and a real process
 * started by `launcher`; groups are records in `<root>/groups`. A timer reconciles both with the processes: it
 * launches and terminates to keep each group at its desired size and replaces members whose process died. A new
 * `createLocalCompute` over the same root re-adopts the processes still alive and relaunches, in place, those of
 * running instances that are gone (say after a reboot). `close()` stops the timer, never the instances.
 */
export function createLocalCompute(opts: LocalComputeOptions): LocalCompute {
  const intervalMs = opts.reconcileIntervalMs ?? 1000;
  let timer: NodeJS.Timeout | undefined;
  let nudged = false;
  let closed = false;
  const s: LocalState = {
    disk: createDisk(opts.root),
    launcher: opts.launcher,
    clock: opts.clock ?? { now: () => Date.now() },
    ports: { ...DEFAULT_PORT_POOL, ...opts.ports },
    portProbe: undefined,
    terminatedRetentionMs: opts.terminatedRetentionMs ?? 3_600_000,
    groups: new Map(),
    instances: new Map(),
    stops: new Map(),
    launchFailures: new Map(),
    nudge: () => {
      nudged = true;
      schedule(0);
    },
    onTerminated: opts.onInstanceTerminated,
    onError: opts.onError ?? ((err: unknown) => console.error('compute-local: reconcile step failed; retrying on the next pass', err)),
  };
  const serial = createSerial();
  const ready = load(s);
  ready.catch(() => undefined); // reported to every caller below; never unhandled
  const run = <T>(fn: () => Promise<T>): Promise<T> =>
    serial(async () => {
      await ready;
      return fn();
    });

  function schedule(delayMs: number): void {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void tick(), delayMs);
    timer.unref(); // the timer alone never keeps EM running
  }
  async function tick(): Promise<void> {
    nudged = false;
    await run(() => reconcilePass(s)).catch((err: unknown) => s.onError(err));
    schedule(nudged ? 0 : intervalMs);
  }
  schedule(0);

  return {
    reconcile: () => run(() => reconcilePass(s)),
    createGroup: (spec) => run(() => createGroup(s, spec)),
    updateGroup: (name, changes) =>
      run(async () => {
        const g = mustGetGroup(s, name);
        const size = nextSize(g.size, changes.size);
        assertValid(sizeProblems(size));
        return saveGroup(s, { ...g, size, tags: changes.tags ? { ...changes.tags } : g.tags });
      }),
    deleteGroup: (name, options) => run(() => deleteGroup(s, name, options?.force ?? false)),
    setDesiredCapacity: (name, desired) =>
      run(async () => {
        const g = mustGetGroup(s, name);
        const size = { ...g.size, desired };
        assertValid(sizeProblems(size));
        return saveGroup(s, { ...g, size });
      }),
    enterStandby: (ids, decrementDesired = true) => run(() => ops.enterStandby(s, ids, decrementDesired)),
    exitStandby: (ids) => run(() => ops.exitStandby(s, ids)),
    listGroups: (query = {}) =>
      run(async () =>
        [...s.groups.values()]
          .filter((g) => matchesTags(g.tags, query.tagFilters))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
          .map(toGroup),
      ),
    getGroup: (name) => run(async () => maybe(s.groups.get(name), toGroup)),
    listInstances: (query = {}) =>
      run(async () => {
        const states = query.states ?? ['pending', 'running', 'stopping', 'stopped'];
        return [...s.instances.values()]
          .filter((r) => states.includes(r.state) && (query.group === undefined || r.group === query.group) && matchesTags(r.tags, query.tagFilters))
          .sort((a, b) => a.launchTime.localeCompare(b.launchTime) || a.id.localeCompare(b.id))
          .map(toInstance);
      }),
    getInstance: (id) => run(async () => maybe(s.instances.get(id), toInstance)),
    startInstances: (ids) => run(() => ops.startInstances(s, ids)),
    stopInstances: (ids) => run(() => ops.stopInstances(s, ids)),
    terminateInstances: (ids, options) => run(() => ops.terminateInstances(s, ids, options)),
    setInstanceTags: (ids, tags) => run(() => ops.setInstanceTags(s, ids, tags)),
    suspendProcesses: (name, processes) => run(() => setSuspended(s, name, processes, true)),
    resumeProcesses: (name, processes) => run(() => setSuspended(s, name, processes, false)),
    async close() {
      closed = true;
      clearTimeout(timer);
      await ready.catch(() => undefined);
      await serial(async () => undefined); // lets an operation or pass in progress finish
      await Promise.allSettled([...s.stops.values()]);
    },
  };
}

const maybe = <T, U>(value: T | undefined, map: (v: T) => U): U | undefined => (value === undefined ? undefined : map(value));

/**
 * Reads the records back and re-adopts the processes: a pending or running instance whose process is alive keeps it;
 * one whose process is gone is relaunched in place (same id, folder and ports) by the first pass.
 */
async function load(s: LocalState): Promise<void> {
  const { groups, instances } = await s.disk.load();
  for (const g of groups) s.groups.set(g.name, g);
  for (const rec of instances) {
    s.instances.set(rec.id, rec);
    const isUp = rec.state === 'pending' || rec.state === 'running';
    if (!isUp || rec.terminating || (rec.pid !== undefined && s.launcher.isAlive(rec.pid, rec.id))) continue;
    Object.assign(rec, { state: 'pending', pid: undefined, launchTime: isoNow(s), stateReason: 'relaunched: its process was gone when EM started' });
    await s.disk.saveInstance(rec);
  }
}

function mustGetGroup(s: LocalState, name: string): GroupRecord {
  const g = s.groups.get(name);
  if (!g) throw new NotFoundError('group', name);
  return g;
}

async function saveGroup(s: LocalState, rec: GroupRecord): Promise<Group> {
  await s.disk.saveGroup(rec);
  s.groups.set(rec.name, rec);
  s.nudge();
  return toGroup(rec);
}

async function createGroup(s: LocalState, spec: Parameters<Compute['createGroup']>[0]): Promise<Group> {
  assertValid([...nameProblems(spec.name), ...sizeProblems(spec.size)]);
  if (s.groups.has(spec.name)) throw new AlreadyExistsError('group', spec.name);
  return saveGroup(s, {
    name: spec.name,
    tags: { ...spec.tags },
    size: { ...spec.size },
    launch: structuredClone(spec.launch),
    ...(spec.instanceNamePrefix === undefined ? {} : { instanceNamePrefix: spec.instanceNamePrefix }),
    suspendedProcesses: [],
    createdTime: isoNow(s),
  });
}

async function deleteGroup(s: LocalState, name: string, force: boolean): Promise<void> {
  mustGetGroup(s, name);
  const left = [...s.instances.values()].filter((r) => r.group === name && r.state !== 'terminated');
  if (left.length > 0 && !force) throw new GroupNotEmptyError(name, left.map((r) => r.id));
  for (const rec of left) if (!rec.terminating) await requestTermination(s, rec);
  await s.disk.removeGroup(name);
  s.groups.delete(name);
  s.nudge();
}

async function setSuspended(s: LocalState, name: string, processes: readonly ScalingProcess[] | undefined, suspend: boolean): Promise<Group> {
  const g = mustGetGroup(s, name);
  const wanted = processes ?? SCALING_PROCESSES;
  const unknown = wanted.filter((p) => !SCALING_PROCESSES.includes(p));
  if (unknown.length > 0) {
    throw new ValidationError([{ path: 'processes', message: `unknown process(es) ${unknown.join(', ')}; use ${SCALING_PROCESSES.join(', ')}` }]);
  }
  const isSuspendedAfter = (p: ScalingProcess): boolean => (wanted.includes(p) ? suspend : g.suspendedProcesses.includes(p));
  return saveGroup(s, { ...g, suspendedProcesses: SCALING_PROCESSES.filter(isSuspendedAfter) });
}
