import {
  NotFoundError,
  parseSchedule,
  scalingActionsOf,
  scalingActionsProblems,
  scalingAppliedAt,
  tagsWithoutScalingSchedule,
  tagsWithScalingSchedule,
  ValidationError,
  type Actor,
  type Json,
  type ScalingAction,
} from '@envmgr/domain';
import type { Group, GroupSize, Instance } from '@envmgr/ports';
import type { RequestContext } from '../context.js';
import { requireSignedIn } from '../identity/access.js';
import { readinessOf, sizeAfter, type GroupReadiness, type GroupWithMembers } from './group-rules.js';
import { authorizeGroupWrite, type OperationsDeps } from './operations-deps.js';

/** Event types of group writes (EventBus); their data names the actor and request, as an audit record would. */
export const ASG_RESIZED = 'asg.resized';
export const ASG_DELETED = 'asg.deleted';
export const ASG_SCALING_SCHEDULE_SET = 'asg.scaling-schedule.set';

/** The resource a group write is authorised against (SPEC §9 globs), e.g. `/asgs/dev1-IN-Web/size`. */
export function asgResource(name: string, sub?: 'size' | 'scaling-schedule'): string {
  return `/asgs/${name}${sub ? `/${sub}` : ''}`;
}

/** The registry prefix of a runtime role's target state (SPEC §5), e.g. `environments/dev1/roles/Web-blue/`. */
export function roleTargetStatePrefix(environment: string, role: string): string {
  return `environments/${environment}/roles/${role}/`;
}

/** Groups, optionally only those tagged `Environment=<environment>`, by name, each with its live members. */
export async function listAsgs(deps: Pick<OperationsDeps, 'compute'>, actor: Actor, query: { environment?: string | undefined } = {}): Promise<GroupWithMembers[]> {
  requireSignedIn(actor);
  const tagFilters = query.environment !== undefined ? { Environment: query.environment } : undefined;
  const groups = await deps.compute.listGroups(tagFilters ? { tagFilters } : {});
  const instances = await deps.compute.listInstances(tagFilters ? { tagFilters } : {});
  const byGroup = new Map<string, Instance[]>();
  for (const i of instances) if (i.group !== undefined) byGroup.set(i.group, [...(byGroup.get(i.group) ?? []), i]);
  return groups.map((group) => ({ group, members: byGroup.get(group.name) ?? [] }));
}

/**
 * One group with its live members. With `environment`, a group whose `Environment` tag differs is not found either
 * (EM's routes take the environment to know where to look). @throws NotFoundError
 */
export async function getAsg(deps: Pick<OperationsDeps, 'compute'>, actor: Actor, name: string, query: { environment?: string | undefined } = {}): Promise<GroupWithMembers> {
  requireSignedIn(actor);
  const group = await mustGetGroup(deps, name, query.environment);
  return { group, members: await deps.compute.listInstances({ group: name }) };
}

/** Whether every counted member of a group is InService and running, and there are as many as desired. @throws NotFoundError */
export async function asgReadiness(deps: Pick<OperationsDeps, 'compute'>, actor: Actor, name: string, query: { environment?: string | undefined } = {}): Promise<GroupReadiness> {
  return readinessOf(await getAsg(deps, actor, name, query));
}

export interface ResizeAsgCommand {
  name: string;
  size: Partial<GroupSize>;
}

/**
 * Changes a group's bounds and desired size (PUT `/asgs/<name>/size`); the group then launches or terminates by
 * itself. Checks: the group exists (NotFoundError); PUT on `/asgs/<name>/size` for its environment's owning cluster
 * and type (ForbiddenError); the environment not locked (EnvironmentLockedError); the resulting size
 * (ValidationError). Announced as `asg.resized` with the size before and after.
 */
export async function resizeAsg(deps: OperationsDeps, ctx: RequestContext, cmd: ResizeAsgCommand): Promise<GroupWithMembers & { before: GroupSize }> {
  const group = await mustGetGroup(deps, cmd.name);
  const scope = await authorizeGroupWrite(deps, ctx.actor, group, { method: 'PUT', resource: asgResource(cmd.name, 'size') });
  sizeAfter(group.size, cmd.size); // refuses a bad size with the request's field names
  // only the fields asked for: a concurrent change of the others is kept, and the port applies the same rule
  const updated = await deps.compute.updateGroup(cmd.name, { size: cmd.size });
  publish(deps, ctx, ASG_RESIZED, updated, scope.environment, { before: { ...group.size }, after: { ...updated.size } });
  return { group: updated, members: await deps.compute.listInstances({ group: cmd.name }), before: group.size };
}

export interface DeletedAsg {
  name: string;
  environment: string | undefined;
  /** Members that were not terminated yet; they terminate in the background. */
  terminatedInstanceIds: string[];
  /** The registry prefix deleted, when the group's role had target state of its own. */
  deletedTargetState: string | undefined;
  /** Why the target state was kept, when it was. */
  keptTargetState: string | undefined;
}

/**
 * Deletes a group and force-terminates its instances (DELETE `/asgs/<name>`), after the checks of
 * {@link resizeAsg} (DELETE on `/asgs/<name>`). The target state of its role (`environments/<env>/roles/<Role>/`)
 * is deleted first, so a failure leaves a group that a retry deletes rather than orphaned keys; it is kept when
 * another group of the environment carries the same `Role` tag (its agents still read it). Announced as
 * `asg.deleted`.
 */
export async function deleteAsg(deps: OperationsDeps, ctx: RequestContext, cmd: { name: string }): Promise<DeletedAsg> {
  const group = await mustGetGroup(deps, cmd.name);
  const scope = await authorizeGroupWrite(deps, ctx.actor, group, { method: 'DELETE', resource: asgResource(cmd.name) });
  const target = await targetStateOf(deps, group);
  if (target.prefix) await deps.registry.kvDelete(target.prefix, { recurse: true });
  const members = await deps.compute.listInstances({ group: cmd.name });
  await deps.compute.deleteGroup(cmd.name, { force: true });
  const result: DeletedAsg = {
    name: cmd.name,
    environment: scope.environment,
    terminatedInstanceIds: members.map((m) => m.id),
    deletedTargetState: target.prefix,
    keptTargetState: target.keptBecause,
  };
  publish(deps, ctx, ASG_DELETED, group, scope.environment, {
    terminatedInstanceIds: result.terminatedInstanceIds,
    deletedTargetState: result.deletedTargetState ?? null,
  });
  return result;
}

async function targetStateOf(deps: OperationsDeps, group: Group): Promise<{ prefix: string | undefined; keptBecause: string | undefined }> {
  const { Environment: environment, Role: role } = group.tags;
  if (!environment || !role) return { prefix: undefined, keptBecause: 'the group has no Environment or Role tag' };
  const sharing = (await deps.compute.listGroups({ tagFilters: { Environment: environment, Role: role } })).filter((g) => g.name !== group.name);
  if (sharing.length > 0) return { prefix: undefined, keptBecause: `group '${sharing[0]?.name ?? ''}' has the same role '${role}'` };
  return { prefix: roleTargetStatePrefix(environment, role), keptBecause: undefined };
}

async function mustGetGroup(deps: Pick<OperationsDeps, 'compute'>, name: string, environment?: string): Promise<Group> {
  const group = await deps.compute.getGroup(name);
  if (!group) throw new NotFoundError('group', name, { hint: 'list the groups with GET /api/v1/asgs' });
  if (environment !== undefined && group.tags.Environment !== environment) {
    throw new NotFoundError('group', name, { environment, hint: `group '${name}' is not in environment '${environment}'` });
  }
  return group;
}

function publish(deps: Pick<OperationsDeps, 'events'>, ctx: RequestContext, type: string, group: Group, environment: string | undefined, data: Record<string, Json>): void {
  deps.events.publish({
    type,
    subject: { asg: group.name, ...(environment ? { environment } : {}) },
    data: { asg: group.name, ...(environment ? { environment } : {}), actor: ctx.actor.name, requestId: ctx.requestId, ...data },
  });
}

/** A group's schedule: its `Schedule` tag, and the actions of its scaling schedule (SPEC §8). */
export interface ScalingScheduleView {
  name: string;
  /** The group's `Schedule` tag (`NOSCHEDULE` while a scaling schedule is set). */
  schedule: string | undefined;
  actions: ScalingAction[];
  /** Tags named like actions that could not be read (edited by hand); the scheduler ignores them. */
  unreadable: string[];
  /** When the latest applied occurrence happened; later ones are applied by the scheduler. */
  appliedThrough: number | undefined;
}

function scalingScheduleView(group: Group): ScalingScheduleView {
  const { actions, unreadable } = scalingActionsOf(group.tags);
  const key = Object.keys(group.tags).find((k) => k.toLowerCase() === 'schedule');
  return { name: group.name, schedule: key !== undefined ? group.tags[key] : undefined, actions, unreadable, appliedThrough: scalingAppliedAt(group.tags) };
}

/** GET `/asgs/<name>/scaling-schedule`. @throws NotFoundError */
export async function getScalingSchedule(deps: Pick<OperationsDeps, 'compute'>, actor: Actor, name: string, query: { environment?: string | undefined } = {}): Promise<ScalingScheduleView> {
  requireSignedIn(actor);
  return scalingScheduleView(await mustGetGroup(deps, name, query.environment));
}

export interface SetScalingScheduleCommand {
  name: string;
  /** A schedule for the group's `Schedule` tag (SPEC §8 grammar), or a list of scaling actions. */
  schedule: string | ScalingAction[];
  /** With a string: also tag every member with it. */
  propagateToInstances?: boolean;
}

/**
 * PUT `/asgs/<name>/scaling-schedule` (SPEC §8). A string becomes the group's `Schedule` tag (and, with
 * `propagateToInstances`, its members'), removing any scaling actions. A list of actions becomes its scaling schedule,
 * applied by the scheduler job from the next occurrence on, and the group is tagged `Schedule=NOSCHEDULE` as EM did.
 * Checks as for a resize, with PUT on `/asgs/<name>/scaling-schedule`; an unreadable schedule or action is a
 * ValidationError naming the field. Announced as `asg.scaling-schedule.set`.
 */
export async function setScalingSchedule(deps: OperationsDeps, ctx: RequestContext, cmd: SetScalingScheduleCommand, nowMs: number): Promise<ScalingScheduleView> {
  const group = await mustGetGroup(deps, cmd.name);
  const scope = await authorizeGroupWrite(deps, ctx.actor, group, { method: 'PUT', resource: asgResource(cmd.name, 'scaling-schedule') });
  let tags: Record<string, string>;
  if (typeof cmd.schedule === 'string') {
    const parsed = parseSchedule(cmd.schedule);
    if (!parsed.ok) throw new ValidationError([{ path: 'schedule', message: `${parsed.error.message} at offset ${parsed.error.offset}; ${parsed.error.fix}` }]);
    tags = tagsWithoutScalingSchedule(group.tags);
    for (const k of Object.keys(tags)) if (k.toLowerCase() === 'schedule') delete tags[k];
    tags['Schedule'] = cmd.schedule.trim();
  } else {
    const problems = scalingActionsProblems(cmd.schedule);
    if (problems.length > 0) throw new ValidationError(problems);
    tags = tagsWithScalingSchedule(group.tags, cmd.schedule, nowMs);
  }
  const updated = await deps.compute.updateGroup(cmd.name, { tags });
  if (typeof cmd.schedule === 'string' && cmd.propagateToInstances) {
    const members = (await deps.compute.listInstances({ group: cmd.name })).map((m) => m.id);
    if (members.length > 0) await deps.compute.setInstanceTags(members, { Schedule: cmd.schedule.trim() });
  }
  const view = scalingScheduleView(updated);
  publish(deps, ctx, ASG_SCALING_SCHEDULE_SET, updated, scope.environment, {
    schedule: view.schedule ?? null,
    actions: view.actions.length,
    propagatedToInstances: typeof cmd.schedule === 'string' && cmd.propagateToInstances === true,
  });
  return view;
}
