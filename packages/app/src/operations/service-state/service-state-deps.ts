import {
  NotFoundError,
  environmentTargetPrefix,
  readTargetState,
  runningInstanceOf,
  serverRolesOf,
  stringAt,
  valueAt,
  type JsonObject,
  type RunningInstance,
  type TargetStateView,
} from '@envmgr/domain';
import type { Compute, ConfigStore, EventBus, Registry } from '@envmgr/ports';

/** Ports of the read side of services and target state (SPEC §11), and of deleting target state. */
export interface ServiceStateDeps {
  /** Environments, services and deployment maps; environments' ops records (the deploy lock). */
  config: { store: ConfigStore };
  /** Groups and instances of the environments. */
  compute: Compute;
  /** Target state (KV), node statuses, catalog and health. */
  registry: Registry;
  /** Target-state deletions are announced here (`target-state.deleted`). */
  events: EventBus;
  /**
   * How fresh each account's groups and instances are, where `compute` answers from a cache refreshed per account
   * (AWS mode, docs/aws.md#inventory). @default none: compute is read live and the servers view shows no accounts
   */
  computeFreshness?: () => readonly ComputeDataFreshness[];
}

/** How fresh one account's cached groups and instances are. */
export interface ComputeDataFreshness {
  account: string;
  /** When its data was last read completely (ms since the epoch); undefined before the first success. */
  refreshedAtMs: number | undefined;
  /** How old that data is now. */
  ageMs: number | undefined;
  /** The last refresh failed: the data shown is from `refreshedAtMs` (none before a first success). */
  error?: { code: string; message: string; atMs: number };
}

/** An environment's configuration as these use cases read it. */
export interface EnvironmentFacts {
  name: string;
  environmentType: string | undefined;
  owningCluster: string | undefined;
  deploymentMap: string | undefined;
}

/** The environment's configuration. @throws NotFoundError when the environment is not configured */
export async function loadEnvironment(deps: Pick<ServiceStateDeps, 'config'>, name: string): Promise<EnvironmentFacts> {
  const item = await deps.config.store.get('environments', name);
  if (!item) throw new NotFoundError('environment', name);
  return {
    name,
    environmentType: stringAt(item.data, 'Value.EnvironmentType'),
    owningCluster: stringAt(item.data, 'Value.OwningCluster'),
    deploymentMap: stringAt(item.data, 'Value.DeploymentMap'),
  };
}

/** Every key of the environment's target state, parsed. */
export async function loadTargetState(deps: Pick<ServiceStateDeps, 'registry'>, environment: string): Promise<TargetStateView> {
  const { value } = await deps.registry.kvList(environmentTargetPrefix(environment));
  return readTargetState(environment, value);
}

/** Every instance registered under one of the environment's service names (`<env>-…`), with its checks. */
export async function loadRunning(deps: Pick<ServiceStateDeps, 'registry'>, environment: string): Promise<RunningInstance[]> {
  const { value: services } = await deps.registry.catalogServices();
  const names = services.map((s) => s.name).filter((n) => n.startsWith(`${environment}-`));
  const health = await Promise.all(names.map((n) => deps.registry.healthService(n)));
  return health.flatMap((h) => h.value.flatMap((reg) => runningInstanceOf(environment, reg) ?? []));
}

/** The names of the server roles of the environment's deployment map that list `service` (ignoring case). */
export async function serverRolesRunning(deps: Pick<ServiceStateDeps, 'config'>, env: EnvironmentFacts, service: string): Promise<string[]> {
  if (!env.deploymentMap) return [];
  const map = await deps.config.store.get('deployment-maps', env.deploymentMap);
  if (!map) return [];
  return serverRolesOf(map.data)
    .filter((r) => r.services.some((s) => s.toLowerCase() === service.toLowerCase()))
    .map((r) => r.name);
}

/** The configured service (its document), or undefined. */
export async function loadService(deps: Pick<ServiceStateDeps, 'config'>, service: string): Promise<JsonObject | undefined> {
  return (await deps.config.store.get('services', service))?.data;
}

/** A service document's `BluePort`/`GreenPort`, when both are numbers. */
export function portsOf(service: JsonObject | undefined): { blue: number; green: number } | undefined {
  if (!service) return undefined;
  const blue = valueAt(service, 'Value.BluePort');
  const green = valueAt(service, 'Value.GreenPort');
  return typeof blue === 'number' && typeof green === 'number' ? { blue, green } : undefined;
}
