import { EnvironmentLockedError, environmentTargetPrefix, readTargetState, targetStateOfServerRole, type Actor, type TargetStateView } from '@envmgr/domain';
import type { RequestContext } from '../../context.js';
import { readEnvironmentOps } from '../../environments/environment-ops.js';
import { requirePermission, requireSignedIn } from '../../identity/access.js';
import { loadEnvironment, loadTargetState, type ServiceStateDeps } from './service-state-deps.js';

/** Event type of a target-state deletion (EventBus). */
export const TARGET_STATE_DELETED = 'target-state.deleted';

/**
 * An environment's target state, parsed: the role entries the agents follow and each service version's definition
 * and installation. With `serverRole`, only that role's entries (and its slice fleets') and the versions they name.
 * @throws NotFoundError for an unknown environment
 */
export async function getTargetState(
  deps: Pick<ServiceStateDeps, 'config' | 'registry'>,
  actor: Actor,
  q: { environment: string; serverRole?: string | undefined },
): Promise<TargetStateView> {
  requireSignedIn(actor);
  await loadEnvironment(deps, q.environment);
  const view = await loadTargetState(deps, q.environment);
  return q.serverRole === undefined ? view : targetStateOfServerRole(view, q.serverRole);
}

export interface DeleteTargetStateCommand {
  environment: string;
  /** Only this service: its versions' keys and its entries in every role. */
  service?: string | undefined;
  /** With `service`, only this version: its keys and the role entries that name it. */
  version?: string | undefined;
}

/** The resource a target-state deletion is authorised against, e.g. `/target-state/c50/Hello/1.2.0`. */
export function targetStateResource(cmd: DeleteTargetStateCommand): string {
  return ['/target-state', cmd.environment, cmd.service, cmd.service === undefined ? undefined : cmd.version].filter((p) => p !== undefined).join('/');
}

/**
 * Deletes target state as EM did (SPEC §11): the environment's roles and service versions; or one service's
 * versions and its entries in every role; or one version and the entries that name it. Agents then uninstall what no
 * entry names any more. Role entries go first, so an agent never sees an entry without its definition.
 *
 * Checks, in order: the environment exists (NotFoundError); DELETE on the resource for the environment's owning
 * cluster and type (ForbiddenError); deployments to it are not locked (EnvironmentLockedError, 423). Deleting
 * nothing is not an error. Returns the keys deleted; announced as `target-state.deleted`.
 */
export async function deleteTargetState(deps: Pick<ServiceStateDeps, 'config' | 'registry' | 'events'>, ctx: RequestContext, cmd: DeleteTargetStateCommand): Promise<{ deletedKeys: string[] }> {
  const env = await loadEnvironment(deps, cmd.environment);
  requirePermission(ctx.actor, {
    method: 'DELETE',
    resource: targetStateResource(cmd),
    clusters: env.owningCluster ? [env.owningCluster] : [],
    environmentTypes: env.environmentType ? [env.environmentType] : [],
  });
  const ops = await readEnvironmentOps(deps.config, cmd.environment);
  if (ops.deploymentsLocked) throw new EnvironmentLockedError(cmd.environment, ops.lock ?? {});

  const base = environmentTargetPrefix(cmd.environment);
  const { value: entries } = await deps.registry.kvList(base);
  const view = readTargetState(cmd.environment, entries);
  const roleKeys = entries.map((e) => e.key).filter((key) => isRoleKeyToDelete(key, base, cmd, view));
  const versionPrefix = cmd.service === undefined ? `${base}services/` : `${base}services/${cmd.service}/${cmd.version === undefined ? '' : `${cmd.version}/`}`;
  const serviceKeys = entries.map((e) => e.key).filter((key) => key.startsWith(versionPrefix));
  const deletedKeys = [...roleKeys, ...serviceKeys];
  for (const key of deletedKeys) await deps.registry.kvDelete(key);

  const subject = { environment: cmd.environment, ...(cmd.service !== undefined ? { service: cmd.service } : {}), ...(cmd.version !== undefined ? { version: cmd.version } : {}) };
  deps.events.publish({ type: TARGET_STATE_DELETED, subject, data: { ...subject, deletedKeys, actor: ctx.actor.name, requestId: ctx.requestId } });
  return { deletedKeys };
}

/** EM's rules: every role key; a service's role keys by the key's service part; a version's by the entry's value. */
function isRoleKeyToDelete(key: string, base: string, cmd: DeleteTargetStateCommand, view: TargetStateView): boolean {
  if (!key.startsWith(`${base}roles/`)) return false;
  if (cmd.service === undefined) return true;
  const [, , kind, service] = key.slice(base.length).split('/');
  if (kind !== 'services' || service !== cmd.service) return false;
  return cmd.version === undefined || view.targets.some((t) => t.key === key && t.version === cmd.version);
}
