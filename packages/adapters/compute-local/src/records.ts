import { CorruptDataError } from '@envmgr/domain';
import {
  SCALING_PROCESSES,
  type Group,
  type HealthStatus,
  type Instance,
  type InstanceState,
  type LifecycleState,
  type PortRange,
  type Tags,
} from '@envmgr/ports';

/** A group as kept in `<root>/groups/<name>.json`: exactly the port's `Group`. */
export type GroupRecord = Group;

/** An instance as kept in `<root>/instances/<id>/instance.json`. */
export interface InstanceRecord {
  id: string;
  tags: Tags;
  state: InstanceState;
  group?: string;
  lifecycleState?: LifecycleState;
  health?: HealthStatus;
  /** ISO 8601 UTC of the last launch or start. */
  launchTime: string;
  privateAddress: string;
  /** Held while the instance is not terminated; never given to another instance meanwhile. */
  servicePorts: PortRange;
  /** The process playing the instance, while one was started and not yet seen gone. */
  pid?: number;
  /** Termination was asked for; it completes once the process is gone. */
  terminating?: boolean;
  /** ISO 8601 UTC; set when terminated, the record is purged some time later. */
  terminatedTime?: string;
  /** Why the instance last changed state when EM did not ask for it (a dead process, a failed launch). */
  stateReason?: string;
}

const STATES: readonly string[] = ['pending', 'running', 'stopping', 'stopped', 'terminated'];
const LIFECYCLES: readonly string[] = ['Pending', 'InService', 'Standby', 'Terminating'];
const HEALTHS: readonly string[] = ['Healthy', 'Unhealthy'];

/** Pending and InService members count toward the desired size; Standby and Terminating ones do not. */
export const isCounted = (rec: InstanceRecord): boolean => rec.lifecycleState === 'Pending' || rec.lifecycleState === 'InService';

export const isSuspended = (group: GroupRecord, process: (typeof SCALING_PROCESSES)[number]): boolean =>
  group.suspendedProcesses.includes(process);

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
    servicePorts: { ...rec.servicePorts },
  };
}

export const toGroup = (rec: GroupRecord): Group => structuredClone(rec);

export { matchesTagFilters as matchesTags } from '@envmgr/ports';

/** Environment variables that tell the instance's process who it is (SPEC §6: the agent reads its tags). */
export function instanceEnvironment(rec: InstanceRecord, dir: string): Record<string, string> {
  const env: Record<string, string> = {
    EM_INSTANCE_ID: rec.id,
    EM_INSTANCE_NAME: rec.tags.Name ?? rec.id,
    EM_INSTANCE_DIR: dir,
    EM_PRIVATE_ADDRESS: rec.privateAddress,
    EM_PORTS_FIRST: String(rec.servicePorts.first),
    EM_PORTS_LAST: String(rec.servicePorts.last),
  };
  if (rec.group) env.EM_GROUP = rec.group;
  // Tag names may hold characters an environment variable name cannot (`aws:x`, spaces): they become `_`.
  for (const [name, value] of Object.entries(rec.tags)) env[`EM_TAG_${name.replace(/[^A-Za-z0-9_]/g, '_')}`] = value;
  return env;
}

// ---- reading records back -------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringMap = (v: unknown): v is Tags => isObj(v) && Object.values(v).every((x) => typeof x === 'string');
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const optional = (v: unknown, ok: (x: unknown) => boolean): boolean => v === undefined || ok(v);
const oneOf = (list: readonly string[]) => (v: unknown) => typeof v === 'string' && list.includes(v);
const isString = (v: unknown): boolean => typeof v === 'string';

function corrupt(file: string, what: string): CorruptDataError {
  return new CorruptDataError(`${file} is not a valid ${what} record; restore it from a backup or delete it`, { file });
}

export function parseInstanceRecord(value: unknown, file: string): InstanceRecord {
  const v = isObj(value) ? value : {};
  const ports = isObj(v.servicePorts) ? v.servicePorts : {};
  const ok =
    typeof v.id === 'string' &&
    /^i-[0-9a-f]{17}$/.test(v.id) &&
    isStringMap(v.tags) &&
    oneOf(STATES)(v.state) &&
    typeof v.launchTime === 'string' &&
    typeof v.privateAddress === 'string' &&
    isCount(ports.first) &&
    isCount(ports.last) &&
    optional(v.group, isString) &&
    optional(v.lifecycleState, oneOf(LIFECYCLES)) &&
    optional(v.health, oneOf(HEALTHS)) &&
    optional(v.pid, (p) => Number.isInteger(p) && (p as number) > 1) &&
    optional(v.terminating, (t) => typeof t === 'boolean') &&
    optional(v.terminatedTime, isString) &&
    optional(v.stateReason, isString);
  if (!ok) throw corrupt(file, 'instance');
  return v as unknown as InstanceRecord;
}

export function parseGroupRecord(value: unknown, file: string): GroupRecord {
  const v = isObj(value) ? value : {};
  const size = isObj(v.size) ? v.size : {};
  const ok =
    typeof v.name === 'string' &&
    isStringMap(v.tags) &&
    isCount(size.min) &&
    isCount(size.desired) &&
    isCount(size.max) &&
    isObj(v.launch) &&
    Array.isArray(v.suspendedProcesses) &&
    v.suspendedProcesses.every(oneOf(SCALING_PROCESSES)) &&
    typeof v.createdTime === 'string' &&
    optional(v.instanceNamePrefix, isString);
  if (!ok) throw corrupt(file, 'group');
  return v as unknown as GroupRecord;
}
