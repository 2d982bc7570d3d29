/**
 * What the registry's catalog says runs in an environment: the service instances the agents registered, read back
 * into EM's terms (service, slice, version, deployment). Pure.
 *
 * The agent registers `<env>-<service>[-<slice>]` on the node named by its instance id, with the tags `version:`,
 * `deployment_id:`, `server_role:` and `slice:` (agent-core naming.ts) and `Meta` `{version, deployment_id}`.
 */
import type { Slice } from '../deployments/deployment.js';

/** Consul's check states; `passing` is the only healthy one. */
export type CheckState = 'passing' | 'warning' | 'critical';

/** One check of a registered instance, as the registry reports it. */
export interface RegisteredCheck {
  checkId: string;
  name: string;
  status: CheckState;
  output: string;
  notes: string;
}

/** One registered service instance with its node and checks (the registry's `health/service` rows). */
export interface Registration {
  node: { node: string; address: string };
  service: { id: string; name: string; tags: string[]; address: string; port: number; meta: Record<string, string> };
  checks: RegisteredCheck[];
}

/** A registered instance of one of the environment's services. */
export interface RunningInstance {
  /** The registry node: the instance id. */
  instanceId: string;
  /** The service's address, else its node's. */
  address: string;
  port: number;
  /** The registry's service id, `<env>-<service>[-<slice>]`. */
  serviceId: string;
  /** The service, as in the target state (the name without the environment and the slice). */
  service: string;
  slice: Slice;
  /** From the `version:` tag (or `Meta.version`); undefined when the registration has neither. */
  version: string | undefined;
  /** From the `deployment_id:` tag (or `Meta.deployment_id`). */
  deploymentId: string | undefined;
  /** From the `server_role:` tag: the runtime role of the agent that registered it. */
  serverRole: string | undefined;
  /** The worst state among its checks; `passing` when it has none (as Consul counts it). */
  status: CheckState;
  checks: RegisteredCheck[];
}

const SLICE_SUFFIXES: readonly Exclude<Slice, 'none'>[] = ['blue', 'green'];

/** The value of a `name:value` tag, or undefined. */
export function tagValue(tags: readonly string[], name: string): string | undefined {
  const tag = tags.find((t) => t.startsWith(`${name}:`));
  return tag === undefined ? undefined : tag.slice(name.length + 1);
}

/**
 * The service and slice a registry name stands for in `environment` (`c50-Hello-blue` → Hello, blue), or undefined
 * when the name is not one of the environment's (environment names hold no `-`, so the prefix is unambiguous).
 */
export function serviceOfRegistryName(environment: string, name: string): { service: string; slice: Slice } | undefined {
  const prefix = `${environment}-`;
  if (!name.startsWith(prefix) || name.length === prefix.length) return undefined;
  const rest = name.slice(prefix.length);
  for (const slice of SLICE_SUFFIXES) {
    if (rest.endsWith(`-${slice}`) && rest.length > slice.length + 1) return { service: rest.slice(0, -(slice.length + 1)), slice };
  }
  return { service: rest, slice: 'none' };
}

const RANK: Record<CheckState, number> = { passing: 0, warning: 1, critical: 2 };

/** The worst of some states; `passing` for none. */
export function worstState(states: Iterable<CheckState>): CheckState {
  let worst: CheckState = 'passing';
  for (const s of states) if (RANK[s] > RANK[worst]) worst = s;
  return worst;
}

/** A registration of the environment's read into EM's terms; undefined when its name is not the environment's. */
export function runningInstanceOf(environment: string, reg: Registration): RunningInstance | undefined {
  const named = serviceOfRegistryName(environment, reg.service.name);
  if (!named) return undefined;
  const tags = reg.service.tags;
  return {
    instanceId: reg.node.node,
    address: reg.service.address || reg.node.address,
    port: reg.service.port,
    serviceId: reg.service.id,
    service: named.service,
    slice: named.slice,
    version: tagValue(tags, 'version') ?? reg.service.meta.version,
    deploymentId: tagValue(tags, 'deployment_id') ?? reg.service.meta.deployment_id,
    serverRole: tagValue(tags, 'server_role'),
    status: worstState(reg.checks.map((c) => c.status)),
    checks: reg.checks.map((c) => ({ checkId: c.checkId, name: c.name, status: c.status, output: c.output, notes: c.notes })),
  };
}

/** Instances per state, and the worst of them (`none` when there is no instance). */
export interface HealthSummary {
  status: CheckState | 'none';
  instances: number;
  passing: number;
  warning: number;
  critical: number;
}

export function summarizeHealth(instances: readonly { status: CheckState }[]): HealthSummary {
  const count = (s: CheckState) => instances.filter((i) => i.status === s).length;
  return {
    status: instances.length === 0 ? 'none' : worstState(instances.map((i) => i.status)),
    instances: instances.length,
    passing: count('passing'),
    warning: count('warning'),
    critical: count('critical'),
  };
}

/** Service names compare ignoring case, as the agent matches an entry's Name to its key. */
export const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
