import { NotFoundError, serverGroupView, type Actor, type ServerGroupView } from '@envmgr/domain';
import type { Group } from '@envmgr/ports';
import { requireSignedIn } from '../../identity/access.js';
import { loadEnvironment, loadRunning, loadTargetState, type ComputeDataFreshness, type ServiceStateDeps } from './service-state-deps.js';

type ServersDeps = Pick<ServiceStateDeps, 'config' | 'registry' | 'compute' | 'computeFreshness'>;

/** An environment's servers, and how fresh the data of each account behind them is (when compute is cached). */
export interface EnvironmentServers {
  groups: ServerGroupView[];
  /** Every account's freshness, when compute answers from a cache; undefined when it is read live. */
  accounts: ComputeDataFreshness[] | undefined;
}

/**
 * An environment's servers: each group tagged `Environment=<environment>` (one per runtime server role), its size
 * and instances, and per instance the services it runs and whether that is what the target state asks for.
 * @throws NotFoundError for an unknown environment
 */
export async function getEnvironmentServers(deps: ServersDeps, actor: Actor, environment: string): Promise<EnvironmentServers> {
  requireSignedIn(actor);
  await loadEnvironment(deps, environment);
  const groups = await deps.compute.listGroups({ tagFilters: { Environment: environment } });
  const views = await viewsOf(deps, environment, groups);
  // read after the listing, which may have refreshed stale accounts
  return { groups: views, accounts: deps.computeFreshness ? [...deps.computeFreshness()] : undefined };
}

/** One group of an environment, as `getEnvironmentServers` shows it. @throws NotFoundError for an unknown environment, or a group that is not the environment's */
export async function getEnvironmentServerGroup(deps: ServersDeps, actor: Actor, q: { environment: string; group: string }): Promise<ServerGroupView> {
  requireSignedIn(actor);
  await loadEnvironment(deps, q.environment);
  const group = await deps.compute.getGroup(q.group);
  if (!group || group.tags.Environment !== q.environment) throw new NotFoundError('server group', q.group, { environment: q.environment });
  const [view] = await viewsOf(deps, q.environment, [group]);
  if (!view) throw new NotFoundError('server group', q.group, { environment: q.environment });
  return view;
}

async function viewsOf(deps: ServersDeps, environment: string, groups: readonly Group[]): Promise<ServerGroupView[]> {
  const [targetState, running, members] = await Promise.all([
    loadTargetState(deps, environment),
    loadRunning(deps, environment),
    Promise.all(groups.map((g) => deps.compute.listInstances({ group: g.name }))),
  ]);
  return groups.map((group, i) => serverGroupView({ group, instances: members[i] ?? [], targetState, running }));
}
