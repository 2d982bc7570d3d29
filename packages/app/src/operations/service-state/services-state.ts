import {
  NotFoundError,
  installationChecklist,
  instancesOfService,
  nodeStatusPrefix,
  parseNodeStatusValue,
  roleServiceKey,
  serviceNames,
  serviceSlices,
  slicesToCheck,
  summarizeHealth,
  summarizeServices,
  type Actor,
  type HealthSummary,
  type InstallationChecklist,
  type NodeStatusValue,
  type RoleTarget,
  type RunningInstance,
  type ServiceInstanceView,
  type ServiceSummary,
  type Slice,
  type SliceView,
  type TargetStateView,
} from '@envmgr/domain';
import { registryKeyProblem, type Instance } from '@envmgr/ports';
import { requireSignedIn } from '../../identity/access.js';
import { compareVersions } from '../../packages/versions.js';
import { loadEnvironment, loadRunning, loadService, loadTargetState, portsOf, serverRolesRunning, type EnvironmentFacts, type ServiceStateDeps } from './service-state-deps.js';

type ReadDeps = Pick<ServiceStateDeps, 'config' | 'registry'>;

/**
 * The services of an environment: those its target state names and those registered there, each with its role
 * entries, the versions and slices that run, instance counts and health. @throws NotFoundError for an unknown
 * environment
 */
export async function listEnvironmentServices(deps: ReadDeps, actor: Actor, environment: string): Promise<ServiceSummary[]> {
  requireSignedIn(actor);
  await loadEnvironment(deps, environment);
  const [targetState, running] = await Promise.all([loadTargetState(deps, environment), loadRunning(deps, environment)]);
  return summarizeServices({ targetState, running, order: compareVersions });
}

interface ServiceState {
  env: EnvironmentFacts;
  service: string;
  targetState: TargetStateView;
  running: RunningInstance[];
  definition: Awaited<ReturnType<typeof loadService>>;
}

/**
 * The environment's target state and registrations, for a service that is configured or that the environment's
 * target state or catalog knows. @throws NotFoundError for an unknown environment or service
 */
async function loadServiceState(deps: ReadDeps, environment: string, service: string): Promise<ServiceState> {
  const env = await loadEnvironment(deps, environment);
  const [targetState, running, definition] = await Promise.all([loadTargetState(deps, environment), loadRunning(deps, environment), loadService(deps, service)]);
  const known = serviceNames(targetState, running).find((n) => n.toLowerCase() === service.toLowerCase());
  if (!definition && known === undefined) {
    throw new NotFoundError('service', service, { environment });
  }
  return { env, service: known ?? service, targetState, running, definition };
}

export interface ServiceHealthResult {
  service: string;
  instances: ServiceInstanceView[];
  health: HealthSummary;
}

/** Every registered instance of a service in an environment (one slice's with `slice`), with its checks. */
export async function getServiceHealth(deps: ReadDeps, actor: Actor, q: { environment: string; service: string; slice?: Slice | undefined }): Promise<ServiceHealthResult> {
  requireSignedIn(actor);
  const s = await loadServiceState(deps, q.environment, q.service);
  const instances = instancesOfService(s.running, s.service, q.slice);
  return { service: s.service, instances, health: summarizeHealth(instances) };
}

/** The slices of a service in an environment: port, target entries, versions, instances and health of each. */
export async function getServiceSlices(deps: ReadDeps, actor: Actor, q: { environment: string; service: string }): Promise<{ service: string; slices: SliceView[] }> {
  requireSignedIn(actor);
  const s = await loadServiceState(deps, q.environment, q.service);
  const slices = serviceSlices({ environment: q.environment, service: s.service, targetState: s.targetState, running: s.running, ports: portsOf(s.definition), order: compareVersions });
  return { service: s.service, slices };
}

export interface InstanceInstallationCheck {
  instanceId: string;
  name: string;
  group: string | undefined;
  role: string | undefined;
  state: Instance['state'];
  /** One checklist per slice checked on the instance. */
  checks: InstallationChecklist[];
  ok: boolean;
}

export interface InstallationCheckResult {
  service: string;
  /** The runtime roles whose groups were checked. */
  roles: string[];
  ok: boolean;
  instances: InstanceInstallationCheck[];
}

/**
 * For every instance of the environment's groups whose role runs the service (its deployment map's roles that list
 * it, their slice fleets, and the roles whose target state names it): does the target state ask for it, did the
 * agent report success, is it registered at that version, are its checks passing. With `slice`, only that slice.
 */
export async function checkServiceInstallation(
  deps: Pick<ServiceStateDeps, 'config' | 'registry' | 'compute'>,
  actor: Actor,
  q: { environment: string; service: string; slice?: Slice | undefined },
): Promise<InstallationCheckResult> {
  requireSignedIn(actor);
  const s = await loadServiceState(deps, q.environment, q.service);
  const mapRoles = await serverRolesRunning(deps, s.env, s.service);
  const roleNames = [
    ...mapRoles.flatMap((r) => [r, `${r}-blue`, `${r}-green`]),
    ...s.targetState.targets.filter((t) => same(t.service, s.service)).map((t) => t.role),
  ];
  const groups = (await deps.compute.listGroups({ tagFilters: { Environment: q.environment } })).filter((g) => roleNames.some((r) => same(r, g.tags.Role ?? '')));
  const members = (await Promise.all(groups.map((g) => deps.compute.listInstances({ group: g.name })))).flat();
  const statuses = await nodeStatuses(deps, s.targetState.targets.filter((t) => same(t.service, s.service)));
  const instances = members.map((i): InstanceInstallationCheck => {
    const role = i.tags.Role ?? groups.find((g) => g.name === i.group)?.tags.Role;
    const slices = slicesToCheck({ service: s.service, role, targets: s.targetState.targets, slice: q.slice });
    const checks = slices.map((slice) => {
      const target = s.targetState.targets.find((t) => role !== undefined && same(t.role, role) && same(t.service, s.service) && t.slice === slice);
      return installationChecklist({
        instanceId: i.id,
        role,
        service: s.service,
        slice,
        target,
        targetKey: roleServiceKey(q.environment, role ?? '<role>', s.service, slice),
        nodeStatus: target && statuses.get(`${target.deploymentId}/${i.id}`),
        registration: s.running.find((r) => r.instanceId === i.id && same(r.service, s.service) && r.slice === slice),
      });
    });
    return { instanceId: i.id, name: i.name, group: i.group, role, state: i.state, checks, ok: checks.every((c) => c.ok) };
  });
  const roles = [...new Set(groups.flatMap((g) => (g.tags.Role ? [g.tags.Role] : [])))];
  return { service: s.service, roles, ok: instances.every((i) => i.ok), instances };
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The node statuses of the targets' deployments, by `<deploymentId>/<instanceId>`. */
async function nodeStatuses(deps: ReadDeps, targets: readonly RoleTarget[]): Promise<Map<string, NodeStatusValue>> {
  // an id no registry key can hold has no node statuses (the agent cannot write them either)
  const ids = [...new Set(targets.map((t) => t.deploymentId))].filter((id) => registryKeyProblem(nodeStatusPrefix(id)) === undefined);
  const lists = await Promise.all(ids.map(async (id) => ({ id, entries: (await deps.registry.kvList(nodeStatusPrefix(id))).value })));
  const out = new Map<string, NodeStatusValue>();
  for (const { id, entries } of lists) {
    for (const e of entries) {
      const status = parseNodeStatusValue(e.value);
      if (status) out.set(`${id}/${e.key.slice(nodeStatusPrefix(id).length)}`, status);
    }
  }
  return out;
}
