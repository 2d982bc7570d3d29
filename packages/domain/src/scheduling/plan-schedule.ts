/**
 * The scheduler's plan for one account (SPEC §8 "Runner"): a decision for every instance and for every group
 * scheduled as a whole, from plain data the caller read from Compute and the configuration. Pure: the same inputs
 * and instant give the same plan, so it is what `GET /instances/schedule-actions` shows and what the job applies.
 */
import { createScheduleMemo, type ScheduleMemo } from './decide.js';
import { decideGroup, isScheduledAsWhole, type GroupScheduleDecision, type ScheduleGroupSize } from './group-decision.js';
import { decideWithOverride, type OverridableDecision, type ScheduleOverride } from './override.js';
import { dueScalingAction, scalingActionsOf, scalingAppliedAt, type DueScaling } from './scaling-schedule.js';
import { tagValue, type ScheduleEnvironment, type ScheduleInstanceState, type ScheduleLifecycleState } from './schedule-source.js';

/** An instance as Compute lists it (the fields the plan reads). */
export interface PlanInstance {
  id: string;
  name: string;
  state: ScheduleInstanceState;
  tags: Readonly<Record<string, string>>;
  /** The group that launched it. */
  group: string | undefined;
  /** Undefined when it is not (or no longer) a member of a group. */
  lifecycleState: ScheduleLifecycleState | undefined;
}

export interface PlanGroup {
  name: string;
  tags: Readonly<Record<string, string>>;
  size: ScheduleGroupSize;
}

/** An environment as the scheduler sees it: its settings, maintenance, owner, type and override. */
export interface PlanEnvironment extends Omit<ScheduleEnvironment, 'exists'> {
  cluster?: string | undefined;
  environmentType?: string | undefined;
  /** Its type protects `IGNORE_ASG_INSTANCES`: group members are left alone. */
  ignoreGroupInstances: boolean;
  override?: ScheduleOverride | undefined;
}

/** What one account holds. */
export interface PlanAccount {
  account: string;
  groups: readonly PlanGroup[];
  instances: readonly PlanInstance[];
  /**
   * Groups a deployment in progress holds on, with why (e.g. `deployment 42 of api 1.1.0 is in progress`): the plan
   * switches nothing of them off until the deployment ends; the next pass after it returns them to their schedule.
   */
  held?: ReadonlyMap<string, string>;
}

/** A planned decision for an instance; `skipCode` may also be `group-scheduled-as-whole`. */
export interface PlannedInstanceDecision extends Omit<OverridableDecision, 'skipCode'> {
  skipCode?: OverridableDecision['skipCode'] | 'group-scheduled-as-whole';
}

export interface PlannedInstance {
  account: string;
  instance: PlanInstance;
  /** The `Environment` tag (blank when none). */
  environment: string;
  cluster?: string | undefined;
  environmentType?: string | undefined;
  /** The `Role` tag. */
  role?: string | undefined;
  /** The group it is a member of. */
  group?: string | undefined;
  decision: PlannedInstanceDecision;
}

export interface PlannedGroup {
  account: string;
  group: PlanGroup;
  environment: string;
  cluster?: string | undefined;
  decision: GroupScheduleDecision;
}

/** A scaling-schedule action of a group that is due (see scaling-schedule.ts). */
export interface PlannedScaling {
  account: string;
  group: PlanGroup;
  environment: string;
  cluster?: string | undefined;
  due: DueScaling;
}

export interface SchedulePlan {
  instances: PlannedInstance[];
  groups: PlannedGroup[];
  /** Groups whose scaling schedule has an occurrence not applied yet. */
  scalings: PlannedScaling[];
}

/**
 * Decides for every instance and every scale-to-zero group of an account at `nowMs`. `environments` holds the
 * configured environments by name (an instance whose `Environment` tag names another is skipped as unknown).
 */
export function planSchedule(account: PlanAccount, environments: ReadonlyMap<string, PlanEnvironment>, nowMs: number, memo: ScheduleMemo = createScheduleMemo(nowMs)): SchedulePlan {
  const groups = new Map(account.groups.map((g) => [g.name, g]));
  // one lookup per environment name, not per instance: a plan of 100,000 instances makes few objects per instance
  const seen = new Map<string, EnvLookup>();
  const envOf = (tags: Readonly<Record<string, string>>): EnvLookup => {
    const name = tagValue(tags, 'Environment') ?? '';
    let found = seen.get(name);
    if (found === undefined) {
      found = lookUpEnvironment(name, environments);
      seen.set(name, found);
    }
    return found;
  };
  const plannedGroups: PlannedGroup[] = [];
  for (const group of account.groups) {
    if (!isScheduledAsWhole(group.tags)) continue;
    const { name, found, environment } = envOf(group.tags);
    const decision = holdGroup(decideGroup({ group, environment, override: found?.override }, nowMs, memo), group.name, account.held);
    plannedGroups.push({ account: account.account, group, environment: name, cluster: found?.cluster, decision });
  }
  const scalings = planScalings(account, envOf, nowMs);
  const instances = account.instances.map((instance) => holdInstance(planInstance(account.account, instance, groups, envOf(instance.tags), nowMs, memo), account.held));
  return { instances, groups: plannedGroups, scalings };
}

/**
 * The due scaling actions. One that would shrink a group a deployment holds waits (its applied mark stays, so the
 * first pass after the deployment applies it).
 */
function planScalings(account: PlanAccount, envOf: (tags: Readonly<Record<string, string>>) => EnvLookup, nowMs: number): PlannedScaling[] {
  const out: PlannedScaling[] = [];
  for (const group of account.groups) {
    const { actions } = scalingActionsOf(group.tags);
    if (actions.length === 0) continue;
    const due = dueScalingAction(actions, scalingAppliedAt(group.tags), nowMs);
    if (!due || (account.held?.has(group.name) && due.action.DesiredCapacity < group.size.desired)) continue;
    const { name, found } = envOf(group.tags);
    out.push({ account: account.account, group, environment: name, cluster: found?.cluster, due });
  }
  return out;
}

/** Turns a decision that would switch a held group (or a member of it) off into a skip that says why. */
function holdGroup(decision: GroupScheduleDecision, group: string, held: ReadonlyMap<string, string> | undefined): GroupScheduleDecision {
  const why = decision.action === 'scaleToZero' ? held?.get(group) : undefined;
  if (why === undefined) return decision;
  return { ...decision, action: 'skip', skipCode: 'held-by-deployment', reason: `${why}; the group stays on until it ends (otherwise: ${decision.reason})` };
}

function holdInstance(p: PlannedInstance, held: ReadonlyMap<string, string> | undefined): PlannedInstance {
  const { action } = p.decision;
  const why = (action === 'switchOff' || action === 'putOutOfService') && p.group !== undefined ? held?.get(p.group) : undefined;
  if (why === undefined) return p;
  return { ...p, decision: { ...p.decision, action: 'skip', skipCode: 'held-by-deployment', reason: `${why}; its group stays on until it ends (otherwise: ${p.decision.reason})` } };
}

interface EnvLookup {
  name: string;
  found: PlanEnvironment | undefined;
  environment: ScheduleEnvironment | undefined;
}

function lookUpEnvironment(name: string, environments: ReadonlyMap<string, PlanEnvironment>): EnvLookup {
  const found = environments.get(name);
  const environment: ScheduleEnvironment | undefined =
    name.trim() === '' ? undefined : found ? { ...found, exists: true } : { name, exists: false, inMaintenance: false, manualScheduleUp: false, scheduleAutomatically: false };
  return { name, found, environment };
}

function planInstance(account: string, instance: PlanInstance, groups: ReadonlyMap<string, PlanGroup>, env: EnvLookup, nowMs: number, memo: ScheduleMemo): PlannedInstance {
  const member = instance.group !== undefined && instance.lifecycleState !== undefined ? instance.group : undefined;
  const group = member !== undefined ? groups.get(member) : undefined;
  let decision: PlannedInstanceDecision;
  if (group && isScheduledAsWhole(group.tags)) {
    decision = { action: 'skip', skipCode: 'group-scheduled-as-whole', reason: `group '${group.name}' is scheduled as a whole (ScheduleMode=scale-to-zero)` };
  } else {
    const input = {
      instance,
      group: member !== undefined && instance.lifecycleState !== undefined ? { name: member, tags: group?.tags ?? NO_TAGS, lifecycleState: instance.lifecycleState } : undefined,
      environment: env.environment,
      options: env.found?.ignoreGroupInstances === true ? IGNORE_GROUP_INSTANCES : undefined,
    };
    decision = decideWithOverride(input, env.found?.override, nowMs, memo);
  }
  return {
    account, instance, environment: env.name, cluster: env.found?.cluster, environmentType: env.found?.environmentType,
    role: tagValue(instance.tags, 'Role'), group: member, decision,
  };
}

const NO_TAGS: Readonly<Record<string, string>> = Object.freeze({});
const IGNORE_GROUP_INSTANCES = Object.freeze({ ignoreGroupInstances: true });
