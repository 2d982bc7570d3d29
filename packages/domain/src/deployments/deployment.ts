/**
 * The data of a deployment (SPEC §5, ARCHITECTURE §3): the request, the plan made from the configuration, the
 * persisted state machine record, what the driver observes, and the commands it carries out. Plain JSON values
 * throughout, so a record survives a store round trip unchanged. Behaviour lives in plan-deployment.ts and advance.ts.
 */
import type { KvWrite, NodeStatusValue } from './target-state.js';

/** `overwrite` replaces the service in place (slice none); `bluegreen` deploys one slice next to the other. */
export type DeploymentMode = 'overwrite' | 'bluegreen';
export type Slice = 'none' | 'blue' | 'green';

/**
 * `POST /api/v1/deployments` as the domain receives it: raw strings, so that the domain reports unknown values.
 * Names are matched ignoring case; the plan uses the configuration's spelling.
 */
export interface DeploymentRequest {
  environment: string;
  service: string;
  /** A semantic version, at most 100 characters. */
  version: string;
  /** `overwrite`, `bluegreen` or EM's `bg`. @default 'overwrite' */
  mode?: string | undefined;
  /** `blue`, `green` or `none`. @default 'none' */
  slice?: string | undefined;
  /** The server role to deploy to; needed only when several roles of the map list the service. */
  serverRole?: string | undefined;
  /** Who asked (the record's `User`). */
  requestedBy?: string | undefined;
  /** Ours: move traffic to the new slice in weight steps once it is installed (blue/green only; canary.ts). */
  canary?: CanaryRequest | undefined;
  /** The W3C `traceparent` the request came with; an invalid one is ignored, as the standard says. */
  traceparent?: string | undefined;
}

/** A request after its fields were checked: mode and slice normalised. */
export interface CheckedDeploymentRequest {
  environment: string;
  service: string;
  version: string;
  mode: DeploymentMode;
  slice: Slice;
  serverRole?: string;
  requestedBy?: string;
  canary?: CanaryPlan;
}

/** Where a deployment's package is in EM's store (SPEC §4 "Package (EM store)"). */
export interface DeploymentPackageRef {
  service: string;
  version: string;
  /** Set when the package built for this environment is used. */
  environment?: string;
}

/** One disk of the group's instances; the same shape as the Compute port's `Volume`. */
export interface GroupVolume {
  device: string;
  sizeGb: number;
  type: 'ssd' | 'standard';
  encrypted: boolean;
}

/** How the group's instances launch; the same shape as the Compute port's `LaunchSettings`. */
export interface GroupLaunchSettings {
  image: string;
  instanceType: string;
  subnetType: string;
  securityZone: string;
  instanceProfile: string;
  volumes: GroupVolume[];
  securityGroups?: string[];
  keyPair?: string;
}

/**
 * The group to create when it is missing; the same shape as the Compute port's `GroupSpec`. The domain cannot
 * import ports, so the shape is repeated here; the driver passes it to `Compute.createGroup` as it is.
 */
export interface DeploymentGroupSpec {
  name: string;
  tags: Record<string, string>;
  size: { min: number; desired: number; max: number };
  launch: GroupLaunchSettings;
  instanceNamePrefix?: string;
}

/** What `planDeployment` resolved from the request and the configuration; fixed for the deployment's life. */
export interface DeploymentPlan {
  /** The configuration's spelling of each name. */
  environment: string;
  environmentType: string;
  /** The environment type's account (`AWSAccountNumber`); undefined where the type names none (embedded mode). */
  accountNumber?: string;
  service: string;
  version: string;
  mode: DeploymentMode;
  slice: Slice;
  /** `ServerRoleName` of the deployment map. */
  serverRole: string;
  /** `<ServerRoleName>[-<slice> when FleetPerSlice]`: the group's `Role` tag and the role key of the target state. */
  runtimeServerRole: string;
  /** The server role's owning cluster (names the group, tags it, and the service definition's `owning_cluster:`). */
  owningCluster: string;
  securityZone: string;
  /** `<env>-<service>[-<slice>]`: the Consul service whose health the driver watches. */
  consulServiceName: string;
  /** The service's ports, written to its definition; undefined when it has none (agents then pick ports). */
  ports?: { blue: number; green: number };
  /** The slice's port (the lower of blue and green for none); undefined when the service has no ports. */
  port?: number;
  package: DeploymentPackageRef;
  /** The environment type's `DeploymentBucket` (`local` when it has none), written to the installation key. */
  packageBucket: string;
  /** Minutes an install may stay In Progress, written to the installation key. */
  installationTimeoutMin: number;
  /** The group to create if it does not exist (`group.name` is looked up either way). */
  group: DeploymentGroupSpec;
  /** The W3C trace context of the request, carried to the agents in the role key (`TraceParent`). */
  traceparent?: string;
  /**
   * The target-state writes, in write order, with `ExpectedNodeDeployments` taken from the server role's desired
   * size; the actual write uses the live group's (`targetStateWrites`).
   */
  targetState: KvWrite[];
}

/** `canary`: installed and healthy, traffic moving to it in weight steps (canary.ts). */
export type DeploymentState = 'requested' | 'provisioning' | 'deploying' | 'canary' | 'succeeded' | 'failed' | 'cancelled';
export const TERMINAL_STATES: readonly DeploymentState[] = ['succeeded', 'failed', 'cancelled'];
/** The states of a deployment that still runs. */
export const ACTIVE_STATES: readonly DeploymentState[] = ['requested', 'provisioning', 'deploying', 'canary'];

export function isTerminal(state: DeploymentState): boolean {
  return TERMINAL_STATES.includes(state);
}

/** A node's progress as EM reports it: `Not Started` until its agent writes a status. */
export type NodeState = 'Not Started' | 'In Progress' | 'Success' | 'Failed';

/** Consul's check states; an instance is healthy only when every check of it is `passing`. */
export type HealthState = 'passing' | 'warning' | 'critical';

/**
 * What the deployment knows about one instance. Times are ms on EM's clock; those taken from the agent's status
 * (its StartTime, EndTime) are kept between the request and the moment EM first saw them.
 */
export interface NodeRecord {
  status: NodeState;
  /** Whether it is an InService member of the group now, i.e. expected to install. */
  inService: boolean;
  /** Its health after Success; `unregistered` while the registry has no instance of the service with this deployment. */
  health?: HealthState | 'unregistered';
  /** From the node status: '' before the first stage. */
  lastCompletedStage: string;
  failedStage?: string;
  /** The agent's reason for a failure: service, version, stage, instance and the hook's first output lines. */
  errorReason?: string;
  /** URL of the uploaded agent log. */
  log?: string;
  firstSeenMs: number;
  /** When its install started (its StartTime); the node timeout counts from here. */
  inProgressSinceMs?: number;
  /** When it reported Success (its EndTime); the health deadline counts from here. */
  succeededAtMs?: number;
}

/** The kinds of command `advance` and `cancel` return. */
export type CommandKind = 'createGroup' | 'wakeGroup' | 'writeTargetState' | 'writeOverallStatus' | 'markIgnored' | 'setTrafficWeights';

/** Which driver run issued a command, and the how-manieth time it was issued. */
export interface IssuedCommand {
  attempt: number;
  runId: string;
  atMs: number;
}

/** The persisted deployment (ConfigDeploymentExecutionStatus); `http` maps it to EM's wire record. */
export interface Deployment {
  /** Shape version of this record, for stores to migrate old ones. */
  schemaVersion: 1;
  id: string;
  state: DeploymentState;
  request: CheckedDeploymentRequest;
  plan: DeploymentPlan;
  requestedAtMs: number;
  /** Last change of anything in the record. */
  updatedAtMs: number;
  /** When it became terminal. */
  endedAtMs?: number;
  /** Why it failed or was cancelled (EM's `ErrorReason`). */
  reason?: string;
  /** By instance id; every instance seen, including those that left the group. */
  nodes: Record<string, NodeRecord>;
  /** `[ISO time] text`, oldest first (EM's `ExecutionLog`); capped at `MAX_LOG_LINES`. */
  log: string[];
  /** Commands issued so far, by kind: the idempotency record (see advance.ts). */
  issued: Partial<Record<CommandKind, IssuedCommand>>;
  /**
   * Set when the deployment found its group switched off (by its schedule, or by hand) and woke it (ours:
   * schedule-aware deployments). The scheduler holds the group on while the deployment runs and returns it to its
   * schedule at its first pass after the end.
   */
  wake?: GroupWake;
  /** A canary's plan and progress (`step` -1 until it starts). */
  canary?: CanaryProgress;
}

/** The canary of a request, as sent: raw values, checked by `checkCanary`. */
export interface CanaryRequest {
  /** Percentages of traffic for the new slice, ascending, each 1–99; 100% follows the last step. */
  steps?: unknown;
  /** How long each step lasts. @default 60 */
  stepSeconds?: unknown;
  /** The highest share of failed requests (0–1) the new slice may answer during a step. @default 0.01 */
  maxErrorRate?: unknown;
  /** The error rate is judged once a step has seen this many requests. @default 20 */
  minRequests?: unknown;
}

export interface CanaryPlan {
  steps: number[];
  stepMs: number;
  maxErrorRate: number;
  minRequests: number;
}

/** Where a canary is; `step` is -1 until the slice is installed and the first step begins. */
export interface CanaryProgress {
  plan: CanaryPlan;
  from: Exclude<Slice, 'none'>;
  to: Exclude<Slice, 'none'>;
  step: number;
  stepStartedAtMs?: number;
}

/** What a deployment woke, and when. */
export interface GroupWake {
  atMs: number;
  group: string;
  /** Stopped members started. */
  started: number;
  /** Members taken out of Standby. */
  exitedStandby: number;
  /** The size restored from the schedule's saved-size tags, when the group was scaled to zero. */
  restoredSize?: { min: number; desired: number; max: number };
}

/** How a group is switched off, as the driver sees it (nothing switched off: undefined). */
export interface GroupSleep {
  /** Stopped members, to start. */
  stoppedInstanceIds: readonly string[];
  /** Members in Standby, to take back into service. */
  standbyInstanceIds: readonly string[];
  /** Members still stopping or starting: the wake waits for them to settle. */
  transitioning: number;
  /** The size the scheduler saved when it scaled the group to zero (its tags), to restore. */
  savedSize?: { min: number; desired: number; max: number };
}

/**
 * A command for the driver (or the cancel use case) to carry out. Each is idempotent: carrying it out twice has
 * the effect of once (`createGroup` treats `AlreadyExistsError` as done; KV writes overwrite with the same value).
 */
export type Command =
  | {
      kind: 'createGroup';
      deploymentId: string;
      attempt: number;
      /** The account to create it in; undefined where the environment type names none (embedded mode). */
      accountNumber?: string;
      spec: DeploymentGroupSpec;
    }
  | {
      kind: 'writeTargetState';
      deploymentId: string;
      attempt: number;
      /** Whose registry (the environment's Consul) to write to. */
      environment: string;
      /** In this order: the role key comes last, since agents act on it at once. */
      writes: KvWrite[];
    }
  | {
      kind: 'writeOverallStatus';
      deploymentId: string;
      attempt: number;
      environment: string;
      /** `deployments/<id>/overall_status` → `Success`, `Failed` or `Cancelled` as plain text, as EM writes it. */
      write: KvWrite;
    }
  | {
      kind: 'markIgnored';
      deploymentId: string;
      attempt: number;
      environment: string;
      /** The role key with `Action: "Ignore"`. */
      write: KvWrite;
      /** Write only while the key still holds this deployment (check-and-set on the value read). */
      onlyIfDeploymentId: string;
    }
  | {
      /** Switches a group that is switched off back on: start, exit Standby, restore the saved size. Idempotent. */
      kind: 'wakeGroup';
      deploymentId: string;
      attempt: number;
      accountNumber?: string;
      group: string;
      startInstanceIds: readonly string[];
      exitStandbyInstanceIds: readonly string[];
      /** Restore this size and remove the scheduler's saved-size tags. */
      restoreSize?: { min: number; desired: number; max: number };
    }
  | {
      /** Sets the weights of the service's upstream hosts of each slice in the environment (0: the host is down). */
      kind: 'setTrafficWeights';
      deploymentId: string;
      attempt: number;
      environment: string;
      service: string;
      weights: { blue: number; green: number };
      /** Recorded with the configuration change. */
      reason: string;
    };

/** What the driver saw just before calling `advance`. */
export interface Observations {
  /**
   * Identifies the driver's run: a fresh value each time a driver process starts or takes the lock. A command
   * whose effect is missing is issued again only by a run other than the one that issued it.
   */
  runId: string;
  /** The group `plan.group.name`, or undefined when it does not exist. */
  group: { inServiceInstanceIds: readonly string[]; desiredCapacity?: number; sleeping?: GroupSleep } | undefined;
  /** Values of `deployments/<id>/nodes/<instanceId>` by instance id (see `parseNodeStatusValue`); absent = Not Started. */
  nodes: Readonly<Record<string, NodeStatusValue>>;
  /**
   * Health of the instance of `plan.consulServiceName` tagged `deployment_id:<id>`, by instance id (node name): the
   * worst of its checks and its node's. Absent = not registered (yet).
   */
  health: Readonly<Record<string, HealthState>>;
  /** Whether the role key holds this deployment (so the target state was written). */
  targetStatePresent: boolean;
  /**
   * Canary only: the new slice's answers since the current step began (failed = 5xx or no answer), from the edge
   * router; undefined where nothing counts them (nginx), so only health decides.
   */
  traffic?: { requests: number; errors: number };
  /** Canary only: the weights of the service's upstream hosts per slice now (0: down); undefined without upstreams. */
  sliceWeights?: { blue: number; green: number };
  /** A command of this deployment that failed for good (e.g. a `ValidationError` from createGroup). */
  commandFailure?: { kind: CommandKind; message: string };
}

/** Timeouts of `advance`. */
export interface AdvanceSettings {
  /** From the request to the end. @default 3_600_000 (EM's 60 minutes) */
  overallTimeoutMs?: number;
  /** How long a node may stay In Progress. @default the plan's installationTimeoutMin (20 minutes) */
  nodeTimeoutMs?: number;
  /** How long a node that reported Success may take to pass its health checks. @default 300_000 */
  healthDeadlineMs?: number;
}

export const DEFAULT_OVERALL_TIMEOUT_MS = 60 * 60_000;
export const DEFAULT_INSTALLATION_TIMEOUT_MIN = 20;
export const DEFAULT_HEALTH_DEADLINE_MS = 5 * 60_000;
export const MAX_LOG_LINES = 1000;

/** A refusal of `planDeployment`, `checkDeploymentRequest` or `cancel`; `kind` maps to the HTTP status. */
export interface DeploymentRefusal {
  ok: false;
  code: string;
  /** invalid 400, not-found 404, conflict 409, unprocessable 422. */
  kind: 'invalid' | 'not-found' | 'conflict' | 'unprocessable';
  message: string;
  details: Record<string, unknown>;
}

export function refuseDeployment(kind: DeploymentRefusal['kind'], code: string, message: string, details: Record<string, unknown>): DeploymentRefusal {
  return { ok: false, code, kind, message, details };
}
