import type {
  AccountFreshnessDto,
  DeletedTargetStateDto,
  EnvironmentComparisonDto,
  EnvironmentServersDto,
  ServerGroupDto,
  ServiceSlicesDto,
  TargetStateDto,
} from '@envmgr/api-contract';
import type { ServerGroupView, ServiceComparison, SliceView, TargetStateView } from '@envmgr/domain';
import type { ComputeDataFreshness, EnvironmentServers, ServiceTraffic } from '@envmgr/app';

/*
 * From the use cases' plain data to the wire shapes of api-contract/service-state. Optional fields are left
 * undefined, which JSON leaves out; fields the schema makes nullable are sent as null.
 */

/** The target state grouped by role, in key order; definitions and installations null when their key is absent. */
export function toTargetStateDto(view: TargetStateView, serverRole: string | undefined): TargetStateDto {
  const roles: TargetStateDto['roles'] = [];
  for (const t of view.targets) {
    let role = roles.find((r) => r.role === t.role);
    if (!role) roles.push((role = { role: t.role, services: [] }));
    role.services.push({ service: t.service, slice: t.slice, version: t.version, deploymentId: t.deploymentId, instanceIds: t.instanceIds, action: t.action, key: t.key });
  }
  return {
    environment: view.environment,
    ...(serverRole !== undefined ? { serverRole } : {}),
    roles,
    services: view.services.map((s) => ({
      service: s.service,
      version: s.version,
      definition: s.definition ? { name: s.definition.name, id: s.definition.id, ports: s.definition.ports, tags: s.definition.tags } : null,
      installation: s.installation
        ? { packageBucket: s.installation.packageBucket, packageKey: s.installation.packageKey, installationTimeoutMin: s.installation.installationTimeoutMin }
        : null,
    })),
    problems: view.problems,
  };
}

export function toDeletedTargetStateDto(cmd: { environment: string; service?: string | undefined; version?: string | undefined }, deletedKeys: string[]): DeletedTargetStateDto {
  return { environment: cmd.environment, service: cmd.service, version: cmd.version, deletedKeys };
}

/**
 * Slices with whether traffic goes to each (SPEC §7: from the service's upstreams; null without traffic data or when
 * no upstream host names the slice), and EM's records of the upstream hosts; `active` keeps only slices in that state.
 */
export function toServiceSlicesDto(
  environment: string,
  service: string,
  slices: readonly SliceView[],
  opts: { traffic?: ServiceTraffic; active?: boolean | undefined } = {},
): ServiceSlicesDto {
  const { traffic, active } = opts;
  const all = slices.map((s) => ({ ...s, active: traffic ? traffic.isActive(s.registryName) : null }));
  return {
    environment,
    service,
    slices: active === undefined ? all : all.filter((s) => s.active === active),
    ...(traffic ? { upstreams: traffic.records } : {}),
  };
}

export function toServerGroupDto(environment: string, g: ServerGroupView): ServerGroupDto {
  return {
    environment,
    name: g.name,
    role: g.role,
    cluster: g.cluster,
    size: g.size,
    converged: g.converged,
    instances: g.instances.map((i) => ({
      id: i.id,
      name: i.name,
      state: i.state,
      lifecycle: i.lifecycle,
      health: i.health,
      address: i.address,
      launchTime: i.launchTime,
      role: i.role,
      services: i.services,
      converged: i.convergence.converged,
      differences: i.convergence.differences,
    })),
  };
}

export function toEnvironmentServersDto(environment: string, view: EnvironmentServers): EnvironmentServersDto {
  const { groups, accounts } = view;
  return {
    environment,
    converged: groups.every((g) => g.converged),
    groups: groups.map((g) => toServerGroupDto(environment, g)),
    ...(accounts ? { accounts: accounts.map(toAccountFreshnessDto) } : {}),
  };
}

function toAccountFreshnessDto(f: ComputeDataFreshness): AccountFreshnessDto {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    account: f.account,
    ...(f.refreshedAtMs !== undefined ? { refreshedAt: iso(f.refreshedAtMs) } : {}),
    ...(f.ageMs !== undefined ? { ageMs: Math.round(f.ageMs) } : {}),
    ...(f.error ? { lastError: { code: f.error.code, message: f.error.message, at: iso(f.error.atMs) } } : {}),
  };
}

export function toComparisonDto(environments: readonly string[], rows: readonly ServiceComparison[]): EnvironmentComparisonDto {
  return { environments: [...environments], services: [...rows] };
}
