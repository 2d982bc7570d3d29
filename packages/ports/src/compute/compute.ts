/** Tags of a group or an instance: case-sensitive names and values, as SPEC §4 lists them (`Environment`, `Role`, …). */
export type Tags = Record<string, string>;

/**
 * Tag conditions, all of which must hold: each named tag must be present with one of the given values
 * (a single string is a list of one). Values compare exactly, case included.
 */
export type TagFilters = Record<string, string | readonly string[]>;

/** The state of an instance as a machine: it runs, is stopped (kept, can start again) or is gone. */
export type InstanceState = 'pending' | 'running' | 'stopping' | 'stopped' | 'terminated';

/**
 * Where a member stands in its group:
 * - `Pending`: launched by the group, not yet running; counts toward the desired size.
 * - `InService`: running and counted toward the desired size.
 * - `Standby`: kept in the group but not counted; the group neither replaces nor health-checks it (SPEC §8 puts
 *   instances here before stopping them).
 * - `Terminating`: leaving the group; not counted.
 */
export type LifecycleState = 'Pending' | 'InService' | 'Standby' | 'Terminating';

/** Whether the group considers a member healthy; an unhealthy member is replaced unless replacement is suspended. */
export type HealthStatus = 'Healthy' | 'Unhealthy';

/**
 * The automatic behaviours of a group that can be suspended, named as in Auto Scaling so that an operator recognises
 * them. `Launch` adds instances up to the desired size, `Terminate` removes those above it, `HealthCheck` notices dead
 * members, `ReplaceUnhealthy` replaces them (needs `Launch` and `Terminate`). The others are kept for the cloud
 * adapter and are only recorded by adapters without such a behaviour.
 */
export type ScalingProcess =
  | 'Launch'
  | 'Terminate'
  | 'HealthCheck'
  | 'ReplaceUnhealthy'
  | 'AZRebalance'
  | 'AlarmNotification'
  | 'ScheduledActions'
  | 'AddToLoadBalancer';

/** Every scaling process, in the order above. */
export const SCALING_PROCESSES: readonly ScalingProcess[] = [
  'Launch',
  'Terminate',
  'HealthCheck',
  'ReplaceUnhealthy',
  'AZRebalance',
  'AlarmNotification',
  'ScheduledActions',
  'AddToLoadBalancer',
];

/** The bounds and target of a group's size. Invariant: integers with `0 <= min <= desired <= max`. */
export interface GroupSize {
  min: number;
  desired: number;
  max: number;
}

/** One disk of the instances of a group (SPEC §5: the OS disk and an encrypted data disk). */
export interface Volume {
  /** Device name as the image expects it, e.g. `/dev/sda1`. */
  device: string;
  sizeGb: number;
  /** `ssd` when the server role asks for SSD disks. */
  type: 'ssd' | 'standard';
  encrypted: boolean;
}

/**
 * How the instances of a group are launched, taken from the server role (SPEC §3, §5). Plain data: an adapter that
 * has no use for a field (the local adapter ignores all of them) still stores and returns it unchanged.
 */
export interface LaunchSettings {
  /** The machine image: an image id or name such as `RHEL-7-NodeJS-3.2.1`. */
  image: string;
  /** Size class of the machine, e.g. `t3.medium`. */
  instanceType: string;
  /** Which subnets of the cluster the instances go in, e.g. `PrivateApp`, `PrivateSecure`. */
  subnetType: string;
  /** Security zone of the server role (`Other`, `Secure`, …); `Secure` forces secure subnets and groups. */
  securityZone: string;
  /** Identity the instances act as, e.g. `roleInfraWeb` (SPEC §4). */
  instanceProfile: string;
  volumes: Volume[];
  /** Security group names, when the role sets them explicitly. @default derived by the adapter from the role */
  securityGroups?: string[];
  /** Name of the SSH key pair. @default none */
  keyPair?: string;
}

/** What `createGroup` needs. */
export interface GroupSpec {
  /** Unique among groups, case-sensitive, 1–255 characters (SPEC §4: `<env>-<short>-<role>[-<slice>]`). */
  name: string;
  /** Copied onto every instance the group launches (and onto nothing else). */
  tags: Tags;
  size: GroupSize;
  launch: LaunchSettings;
  /**
   * Instances are named `<prefix>-<id without "i-">` in their `Name` tag (SPEC §4: `<env>-<ShortName>-<id>`).
   * @default the group name
   */
  instanceNamePrefix?: string;
}

/** A group as stored, with what the adapter adds. */
export interface Group extends GroupSpec {
  /** Processes currently suspended, in `SCALING_PROCESSES` order; empty when the group runs normally. */
  suspendedProcesses: ScalingProcess[];
  /** ISO 8601 UTC. */
  createdTime: string;
}

/** A range of loopback ports reserved for one instance's services, both ends included. */
export interface PortRange {
  first: number;
  last: number;
}

/** A machine that runs the deployment agent. */
export interface Instance {
  /** `i-` followed by 17 lower-case hex digits. Never reused, kept across stop and start. */
  id: string;
  /** The `Name` tag, or the id when there is none. */
  name: string;
  tags: Tags;
  state: InstanceState;
  /** Address other machines reach it on; undefined until the adapter knows it. */
  privateAddress: string | undefined;
  /** Name of the group that launched it; kept after termination so that history stays readable. */
  group: string | undefined;
  /** Undefined when it is not (or no longer) a member of a group. */
  lifecycleState: LifecycleState | undefined;
  /** Undefined when it is not a member of a group. */
  health: HealthStatus | undefined;
  /** ISO 8601 UTC of the last launch or start. */
  launchTime: string;
  /**
   * Ports reserved for its services where instances share one address (the local adapter); undefined where each
   * instance has its own address and services use their configured ports.
   */
  servicePorts?: PortRange;
}

export interface ListGroupsQuery {
  tagFilters?: TagFilters;
}

export interface ListInstancesQuery {
  /** Only instances launched by this group (members, and former members still listed). */
  group?: string;
  tagFilters?: TagFilters;
  /** Only instances in one of these states. @default every state but `terminated` */
  states?: readonly InstanceState[];
}

/** Changes to a group; omitted fields keep their value. */
export interface GroupUpdate {
  /**
   * New bounds and target. When `desired` is omitted and the new bounds exclude the current desired size, it is
   * moved to the nearest bound.
   */
  size?: Partial<GroupSize>;
  /** The group's complete new tag set. Instances launched from now on carry it; running ones keep theirs. */
  tags?: Tags;
}

export interface TerminateOptions {
  /**
   * Lower the group's desired size by the number of counted members (Pending or InService) terminated, so that the
   * group does not replace them.
   * @default false: the group launches replacements, as Auto Scaling does
   */
  decrementDesired?: boolean;
}

/**
 * Machines in groups that keep their size: EM's auto-scaling groups and their instances (ARCHITECTURE §2).
 *
 * Invariants every adapter keeps (checked by `computeContract`):
 * - A group converges by itself to `desired` counted members (`Pending`/`InService`): it launches instances when
 *   short (unless `Launch` is suspended) and terminates the surplus when over (unless `Terminate` is suspended;
 *   which members go is the adapter's policy). An instance that dies without being stopped is terminated and
 *   replaced. Convergence is asynchronous: an operation records intent and returns at once; callers observe the
 *   result with `getInstance`/`listInstances` (the contract suite polls).
 * - Instances launched by a group carry the group's tags, a `Name` tag, and `group` = its name.
 * - Stop and start keep the instance, its id and its data; terminate is final.
 * - Multi-instance operations check every id first and change nothing when one is refused.
 * - Lookups return undefined when nothing is found; operations on a missing group or instance throw `NotFoundError`.
 * - A size outside `0 <= min <= desired <= max` is a `ValidationError`; an instance in the wrong state for an
 *   operation is an `InstanceStateError`.
 */
export interface Compute {
  /**
   * Creates a group; it then launches `size.desired` instances by itself.
   * Throws `AlreadyExistsError` when a group of that name exists, `ValidationError` for an invalid name or size.
   */
  createGroup(spec: GroupSpec): Promise<Group>;

  /**
   * Changes a group's size and/or tags and returns the group as stored.
   * Throws `NotFoundError` for a missing group, `ValidationError` for an invalid size.
   */
  updateGroup(name: string, changes: GroupUpdate): Promise<Group>;

  /**
   * Deletes a group. Without `force` it must have no instance left (else `GroupNotEmptyError`, listing them); with
   * `force` its instances are terminated (asynchronously) and the group is gone at once.
   * Throws `NotFoundError` for a missing group.
   */
  deleteGroup(name: string, options?: { force?: boolean }): Promise<void>;

  /**
   * Sets the number of counted members the group keeps. Throws `ValidationError` when `desired` is outside
   * `[min, max]` (nothing changes), `NotFoundError` for a missing group.
   */
  setDesiredCapacity(name: string, desired: number): Promise<Group>;

  /**
   * Moves InService members to `Standby`: they keep running but leave the count. With `decrementDesired` (default
   * true) the desired size drops by their number, so nothing replaces them; without, the group launches replacements.
   * Throws `NotFoundError` for an unknown id, `InstanceStateError` for one that is not an InService member,
   * `ValidationError` when decrementing would go below a group's minimum.
   */
  enterStandby(instanceIds: readonly string[], decrementDesired?: boolean): Promise<Instance[]>;

  /**
   * Returns Standby members to service and raises each group's desired size by their number.
   * Throws `NotFoundError` for an unknown id, `InstanceStateError` for one not in Standby or not pending/running
   * (start it first), `ValidationError` when that would exceed a group's maximum.
   */
  exitStandby(instanceIds: readonly string[]): Promise<Instance[]>;

  /** Groups matching every filter, ordered by name. */
  listGroups(query?: ListGroupsQuery): Promise<Group[]>;

  /** Returns undefined when there is no such group. */
  getGroup(name: string): Promise<Group | undefined>;

  /** Instances matching every condition of the query, ordered by launch time then id. */
  listInstances(query?: ListInstancesQuery): Promise<Instance[]>;

  /** Returns undefined when there is no such instance; a terminated instance stays visible for a while. */
  getInstance(id: string): Promise<Instance | undefined>;

  /**
   * Starts stopped instances again, with the same id, data and ports; their state goes through `pending` to
   * `running`. Already pending or running ones are left alone.
   * Throws `NotFoundError` for an unknown id, `InstanceStateError` for one that is stopping or terminated.
   */
  startInstances(instanceIds: readonly string[]): Promise<Instance[]>;

  /**
   * Stops instances, keeping them and their data: `stopping`, then `stopped`. A group member must be in Standby
   * first, since a group replaces a member that stops serving.
   * Throws `NotFoundError` for an unknown id, `InstanceStateError` for a counted member or a terminated instance.
   */
  stopInstances(instanceIds: readonly string[]): Promise<Instance[]>;

  /**
   * Terminates instances for good; members leave their group through `Terminating`. Already terminated ones are
   * left alone. Throws `NotFoundError` for an unknown id, `ValidationError` when `decrementDesired` would go below a
   * group's minimum.
   */
  terminateInstances(instanceIds: readonly string[], options?: TerminateOptions): Promise<Instance[]>;

  /**
   * Adds or overwrites the given tags of each instance; a `null` value removes that tag. Other tags stay.
   * Throws `NotFoundError` for an unknown id, `ValidationError` for an empty tag name.
   */
  setInstanceTags(instanceIds: readonly string[], tags: Readonly<Record<string, string | null>>): Promise<void>;

  /**
   * Suspends automatic behaviours of a group (all of them when `processes` is omitted) until resumed.
   * Throws `NotFoundError` for a missing group.
   */
  suspendProcesses(group: string, processes?: readonly ScalingProcess[]): Promise<Group>;

  /** Resumes suspended behaviours (all when omitted). Throws `NotFoundError` for a missing group. */
  resumeProcesses(group: string, processes?: readonly ScalingProcess[]): Promise<Group>;

  /** Releases the adapter's resources (timers, clients). Never stops or terminates instances. */
  close(): Promise<void>;
}
