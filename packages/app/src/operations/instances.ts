import { InstanceStateError, NotFoundError, type Actor } from '@envmgr/domain';
import type { Instance, TagFilters } from '@envmgr/ports';
import type { RequestContext } from '../context.js';
import { requirePermission, requireSignedIn } from '../identity/access.js';
import type { OperationsDeps } from './operations-deps.js';

/** Event type of a maintenance change (EventBus), with the actor and request id in its data. */
export const INSTANCE_MAINTENANCE = 'instance.maintenance';

/** SPEC §7: the registry key whose value `In Maintenance` takes a node out of discovery (Consul's block-check). */
export function coldStandbyKey(instanceId: string): string {
  return `nodes/${instanceId}/cold-standby`;
}
export const COLD_STANDBY_VALUE = 'In Maintenance';

/** Whether an instance's `Maintenance` tag says it is in maintenance (`true`, any case; SPEC §4). */
export const isInMaintenance = (i: Instance): boolean => i.tags.Maintenance?.trim().toLowerCase() === 'true';

export interface InstanceQuery {
  /** The `Environment` tag. */
  environment?: string | undefined;
  /** The `OwningCluster` tag. */
  cluster?: string | undefined;
  maintenance?: boolean | undefined;
  instanceId?: string | undefined;
  ipAddress?: string | undefined;
  /** Only instances after this position (a `next` of the previous page). */
  after?: string | undefined;
  limit: number;
}

export interface InstancePage {
  items: Instance[];
  /** Where the next page starts; undefined on the last page. Opaque to callers. */
  next: string | undefined;
}

/** An instance's place in the listing order: launch time, then id. */
const positionOf = (i: Instance): string => `${i.launchTime} ${i.id}`;
const order = (a: Instance, b: Instance): number => (positionOf(a) < positionOf(b) ? -1 : positionOf(a) > positionOf(b) ? 1 : 0);

/**
 * Instances that are not terminated and match every given filter (exact matches; `maintenance` compares the tag as
 * {@link isInMaintenance}), in launch order then id, one page at a time.
 */
export async function listInstances(deps: Pick<OperationsDeps, 'compute'>, actor: Actor, q: InstanceQuery): Promise<InstancePage> {
  requireSignedIn(actor);
  const tagFilters: TagFilters = {
    ...(q.environment !== undefined ? { Environment: q.environment } : {}),
    ...(q.cluster !== undefined ? { OwningCluster: q.cluster } : {}),
  };
  const all = (await deps.compute.listInstances({ tagFilters }))
    .filter(
      (i) =>
        (q.maintenance === undefined || isInMaintenance(i) === q.maintenance) &&
        (q.instanceId === undefined || i.id === q.instanceId) &&
        (q.ipAddress === undefined || i.privateAddress === q.ipAddress) &&
        (q.after === undefined || positionOf(i) > q.after),
    )
    .sort(order);
  const items = all.slice(0, q.limit);
  const last = items[items.length - 1];
  return { items, next: all.length > q.limit && last ? positionOf(last) : undefined };
}

/** One instance, a terminated one too while the compute still lists it. @throws NotFoundError */
export async function getInstance(deps: Pick<OperationsDeps, 'compute'>, actor: Actor, id: string): Promise<Instance> {
  requireSignedIn(actor);
  return mustGetInstance(deps, id);
}

/** The resource maintenance changes are authorised against, e.g. `/instances/i-0e000000000000001/maintenance`. */
export function instanceMaintenanceResource(id: string): string {
  return `/instances/${id}/maintenance`;
}

/**
 * Puts an instance in maintenance or takes it out (SPEC §7): the registry key `nodes/<id>/cold-standby` is set to
 * `In Maintenance` (or deleted), so that discovery leaves the node out, then the instance's `Maintenance` tag is set
 * to `true` (or `false`). Both steps are idempotent: a retry after a failure completes the change.
 * Checks: the instance exists (NotFoundError) and is not terminated (InstanceStateError); PUT on
 * `/instances/<id>/maintenance` for its `OwningCluster` tag (ForbiddenError, SPEC §9). Announced as
 * `instance.maintenance`.
 */
export async function setInstanceMaintenance(deps: OperationsDeps, ctx: RequestContext, cmd: { id: string; enable: boolean }): Promise<Instance> {
  const instance = await mustGetInstance(deps, cmd.id);
  const cluster = instance.tags.OwningCluster;
  requirePermission(ctx.actor, { method: 'PUT', resource: instanceMaintenanceResource(cmd.id), clusters: cluster ? [cluster] : [] });
  if (instance.state === 'terminated') throw new InstanceStateError(cmd.id, 'terminated', 'a terminated instance cannot change maintenance mode');
  if (cmd.enable) await deps.registry.kvPut(coldStandbyKey(cmd.id), COLD_STANDBY_VALUE);
  else await deps.registry.kvDelete(coldStandbyKey(cmd.id));
  await deps.compute.setInstanceTags([cmd.id], { Maintenance: cmd.enable ? 'true' : 'false' });
  const environment = instance.tags.Environment;
  deps.events.publish({
    type: INSTANCE_MAINTENANCE,
    subject: { instance: cmd.id, ...(environment ? { environment } : {}) },
    data: { instance: cmd.id, ...(environment ? { environment } : {}), maintenance: cmd.enable, actor: ctx.actor.name, requestId: ctx.requestId },
  });
  return mustGetInstance(deps, cmd.id);
}

async function mustGetInstance(deps: Pick<OperationsDeps, 'compute'>, id: string): Promise<Instance> {
  const instance = await deps.compute.getInstance(id);
  if (!instance) throw new NotFoundError('instance', id, { hint: 'list the instances with GET /api/v1/instances' });
  return instance;
}
