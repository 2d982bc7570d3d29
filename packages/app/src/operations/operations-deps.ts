import { EnvironmentLockedError, stringAt, type Actor } from '@envmgr/domain';
import type { Compute, ConfigStore, EventBus, Group, Registry } from '@envmgr/ports';
import { readEnvironmentOps } from '../environments/environment-ops.js';
import { requirePermission } from '../identity/access.js';

/** Ports of the group and instance use cases (`/asgs`, `/instances`). */
export interface OperationsDeps {
  /** Environments (whose owner and type authorise group writes) and their ops records (the deploy lock). */
  config: { store: ConfigStore };
  compute: Compute;
  /** Target state (`environments/<env>/roles/<role>/…`) and the maintenance keys `nodes/<id>/cold-standby`. */
  registry: Registry;
  /** Group and instance writes are announced here (they are not configuration, so the config audit does not hold them). */
  events: EventBus;
}

/** Who owns what a group touches (SPEC §9 "ASGs"): its environment's owning cluster and type. */
export interface GroupScope {
  /** The group's `Environment` tag. */
  environment: string | undefined;
  clusters: string[];
  environmentTypes: string[];
}

/**
 * The scope of a group: the owning cluster and type of the environment its `Environment` tag names; when that
 * environment is not configured (any more), the group's own `OwningCluster` and `EnvironmentType` tags, so that
 * such a group is never less protected than its tags say.
 */
export async function groupScope(deps: Pick<OperationsDeps, 'config'>, group: Group): Promise<GroupScope> {
  const environment = group.tags.Environment || undefined;
  const env = environment ? await deps.config.store.get('environments', environment) : undefined;
  const cluster = env ? stringAt(env.data, 'Value.OwningCluster') : group.tags.OwningCluster;
  const type = env ? stringAt(env.data, 'Value.EnvironmentType') : group.tags.EnvironmentType;
  return { environment, clusters: cluster ? [cluster] : [], environmentTypes: type ? [type] : [] };
}

/**
 * The checks of every group write, in order: the actor's permission for `method` on `resource` in the group's scope
 * (ForbiddenError), then the environment's deploy lock (EnvironmentLockedError, 423): a locked environment's groups
 * keep their size and their target state.
 */
export async function authorizeGroupWrite(deps: Pick<OperationsDeps, 'config'>, actor: Actor, group: Group, write: { method: string; resource: string }): Promise<GroupScope> {
  const scope = await groupScope(deps, group);
  requirePermission(actor, { ...write, clusters: scope.clusters, environmentTypes: scope.environmentTypes });
  if (scope.environment) {
    const ops = await readEnvironmentOps(deps.config, scope.environment);
    if (ops.deploymentsLocked) throw new EnvironmentLockedError(scope.environment, ops.lock ?? {});
  }
  return scope;
}
