/**
 * What the scheduler knows of an instance, and which schedule applies to it (SPEC §8 precedence): the instance's
 * `Schedule` tag when not blank, else its group's, else the environment's: `OFF` when `ManualScheduleUp` and
 * `ScheduleAutomatically` are both false, its `DefaultSchedule` when it schedules automatically and not manually,
 * else `ON`.
 */

export type ScheduleInstanceState = 'pending' | 'running' | 'stopping' | 'stopped' | 'terminated';
/** The Auto Scaling lifecycle state of an instance in a group. */
export type ScheduleLifecycleState = 'Pending' | 'InService' | 'Standby' | 'Terminating';
/** Where the deciding schedule came from; `asg` is EM's word for the instance's group. */
export type ScheduleSource = 'instance' | 'asg' | 'environment';

export interface ScheduleInstance {
  id: string;
  state: ScheduleInstanceState;
  tags: Readonly<Record<string, string>>;
}

export interface ScheduleGroup {
  name: string;
  tags: Readonly<Record<string, string>>;
  /** This instance's lifecycle state in the group. */
  lifecycleState: ScheduleLifecycleState;
}

/** The environment's scheduling settings (its ops record). */
export interface ScheduleEnvironmentSettings {
  manualScheduleUp: boolean;
  scheduleAutomatically: boolean;
  defaultSchedule?: string | undefined;
}

export interface ScheduleEnvironment extends ScheduleEnvironmentSettings {
  /** From the instance's `Environment` tag; blank means the instance has none. */
  name: string;
  exists: boolean;
  inMaintenance: boolean;
}

export interface ScheduleDecisionInput {
  instance: ScheduleInstance;
  /** Present when the instance belongs to an Auto Scaling group. */
  group?: ScheduleGroup | undefined;
  /** Absent when the instance has no `Environment` tag. */
  environment?: ScheduleEnvironment | undefined;
  options?: {
    /** `IGNORE_ASG_INSTANCES`: leave group members alone. @default false */
    ignoreGroupInstances?: boolean | undefined;
  };
}

/** What `resolveSchedule` and `scheduleStatus` read; an environment's own status passes only `environment`. */
export interface ScheduleLookup {
  instance?: { tags: Readonly<Record<string, string>> } | undefined;
  group?: { tags: Readonly<Record<string, string>> } | undefined;
  environment?: ScheduleEnvironmentSettings | undefined;
}

export interface ResolvedSchedule {
  source: ScheduleSource;
  /** The schedule text as found (`ON`/`OFF` for an environment without a default schedule). */
  text: string;
}

/** The schedule that applies, or undefined when there is none (no usable tag and no environment). */
export function resolveSchedule(lookup: ScheduleLookup): ResolvedSchedule | undefined {
  const own = lookup.instance ? tagValue(lookup.instance.tags, 'Schedule') : undefined;
  if (own !== undefined && own.trim() !== '') return { source: 'instance', text: own };
  const group = lookup.group ? tagValue(lookup.group.tags, 'Schedule') : undefined;
  if (group !== undefined && group.trim() !== '') return { source: 'asg', text: group };
  const env = lookup.environment;
  if (env === undefined) return undefined;
  if (!env.manualScheduleUp && !env.scheduleAutomatically) return { source: 'environment', text: 'OFF' };
  if (env.scheduleAutomatically && !env.manualScheduleUp) return { source: 'environment', text: env.defaultSchedule ?? '' };
  return { source: 'environment', text: 'ON' };
}

/** A tag's value: the exactly named tag, else one named the same in another case (AWS tag keys are case-sensitive). */
export function tagValue(tags: Readonly<Record<string, string>>, key: string): string | undefined {
  if (Object.hasOwn(tags, key)) return tags[key];
  const lower = key.toLowerCase();
  // most tags are absent or spelled exactly; compare lengths first so that a miss lower-cases almost nothing
  const found = Object.keys(tags).find((k) => k.length === lower.length && k.toLowerCase() === lower);
  return found === undefined ? undefined : tags[found];
}

/** Tag `Maintenance=true`, key and value in any case. */
export function isInMaintenanceByTag(tags: Readonly<Record<string, string>>): boolean {
  return tagValue(tags, 'Maintenance')?.trim().toLowerCase() === 'true';
}
