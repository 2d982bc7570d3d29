import { compareEnvironments, ValidationError, type Actor, type ServiceComparison } from '@envmgr/domain';
import { requireSignedIn } from '../../identity/access.js';
import { compareVersions } from '../../packages/versions.js';
import { loadEnvironment, loadRunning, loadTargetState, type ServiceStateDeps } from './service-state-deps.js';

/** How many environments one comparison may hold. */
export const MAX_COMPARED_ENVIRONMENTS = 10;

/**
 * Compares environments service by service: the versions each one's target state asks for and the versions
 * registered there, and whether they differ. Environments are compared in the order given.
 * @throws ValidationError for fewer than two environments, a repeated one, or more than {@link MAX_COMPARED_ENVIRONMENTS};
 * NotFoundError for an unknown one
 */
export async function compareEnvironmentVersions(deps: Pick<ServiceStateDeps, 'config' | 'registry'>, actor: Actor, environments: readonly string[]): Promise<ServiceComparison[]> {
  requireSignedIn(actor);
  const problem = (message: string) => new ValidationError([{ path: 'environments', message }]);
  if (environments.length < 2) throw problem(`name at least two environments to compare; got ${environments.length}`);
  if (environments.length > MAX_COMPARED_ENVIRONMENTS) throw problem(`compare at most ${MAX_COMPARED_ENVIRONMENTS} environments at once; got ${environments.length}`);
  const repeated = environments.find((e, i) => environments.indexOf(e) !== i);
  if (repeated !== undefined) throw problem(`'${repeated}' is named twice; name each environment once`);
  for (const e of environments) await loadEnvironment(deps, e);
  const states = await Promise.all(
    environments.map(async (environment) => ({
      environment,
      targetState: await loadTargetState(deps, environment),
      running: await loadRunning(deps, environment),
    })),
  );
  return compareEnvironments(states, compareVersions);
}
