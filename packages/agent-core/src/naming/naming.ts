/** EM's naming conventions as the agent applies them (SPEC §4, §6). Pure. */
import type { Slice } from '../target-state/target-state.js';

/** The Consul service id and name of a service on an instance: `<env>-<svc>[-<slice>]`, no suffix for `none`. */
export function serviceIdOf(environment: string, service: string, slice: Slice): string {
  return slice === 'none' ? `${environment}-${service}` : `${environment}-${service}-${slice}`;
}

/**
 * The key of a deployment's log in EM's log store: `<env>/<serviceId>/deployment-<instanceId>-<deploymentId>.log`
 * (SPEC §6: `<key_prefix>/<env>/<serviceId>/` in the logs bucket; EM's log API adds its own prefix).
 */
export function deploymentLogKey(p: { environment: string; serviceId: string; instanceId: string; deploymentId: string }): string {
  return `${p.environment}/${p.serviceId}/deployment-${p.instanceId}-${p.deploymentId}.log`;
}

/** Who the agent is: its instance's tags (SPEC §6 "Startup"). */
export interface AgentIdentity {
  instanceId: string;
  environment: string;
  environmentType: string;
  /** The runtime server role (`<ServerRoleName>[-<slice>]`, the `Role` tag). */
  role: string;
  owningCluster: string;
}

/** Tag names the agent sets itself; a definition's tags with these names are replaced. */
const AGENT_TAGS = ['deployment_id', 'server_role', 'slice', 'version'];

/**
 * The tags of a registered service: the definition's tags (or, without a definition, `environment_type:`,
 * `environment:` and `owning_cluster:` from the instance's tags), then `deployment_id:`, `server_role:`, `slice:`
 * and `version:`. The agent finds what it installed by `deployment_id:` (SPEC §6 "Installed").
 */
export function serviceTags(p: {
  identity: AgentIdentity;
  definitionTags: readonly string[];
  deploymentId: string;
  slice: Slice;
  version: string;
}): string[] {
  const base =
    p.definitionTags.length > 0
      ? p.definitionTags
      : [`environment_type:${p.identity.environmentType}`, `environment:${p.identity.environment}`, `owning_cluster:${p.identity.owningCluster}`];
  const kept = base.filter((t) => !AGENT_TAGS.includes(t.split(':', 1)[0] ?? ''));
  return [
    ...new Set([
      ...kept,
      `deployment_id:${p.deploymentId}`,
      `server_role:${p.identity.role}`,
      `slice:${p.slice}`,
      `version:${p.version}`,
    ]),
  ];
}

/** The value of a `name:value` tag, or undefined. */
export function tagValue(tags: readonly string[], name: string): string | undefined {
  const tag = tags.find((t) => t.startsWith(`${name}:`));
  return tag === undefined ? undefined : tag.slice(name.length + 1);
}
